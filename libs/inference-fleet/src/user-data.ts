import { RELEASE_FIELDS, RELEASE_JQ, type FleetColour } from '@canaryfleet/traffic-state';
import YAML from 'yaml';

export interface UserDataProps {
  readonly environment: string;
  readonly colour: FleetColour;
  /** Traffic-state parameter name; the fleet's release is `RELEASE_JQ` of libs/traffic-state in it. */
  readonly trafficStateParameter: string;
  /** Port of weighted traffic (judged). */
  readonly port: number;
  /** Port of header-override traffic (never judged): the server labels its metrics by the port a request came in on. */
  readonly pinnedPort: number;
  readonly healthPath: string;
  /** Threshold of the server's SlowRequestCount, seconds. */
  readonly slowRequestSeconds: number;
  /** S3 prefix ending in '/': artifacts of version v are under `<prefix><v>/`. */
  readonly modelArtifactUri: string;
  /** Start the container with `--gpus all` (NVIDIA instance types on the Deep Learning AMI). */
  readonly gpu: boolean;
  /** The fleet's Auto Scaling group and its launch lifecycle hook, which the instance completes after warm-up. */
  readonly warmUp: { readonly autoScalingGroupName: string; readonly lifecycleHookName: string; readonly timeoutSeconds: number };
}

const SERVICE = 'canaryfleet-inference';
const START_SCRIPT = '/usr/local/bin/canaryfleet-start-server';
const WARM_UP_SCRIPT = '/usr/local/bin/canaryfleet-complete-warm-up';
/** The warm-up gives up this long before the hook's heartbeat runs out, so the instance abandons its own launch. */
const WARM_UP_MARGIN_SECONDS = 60;
/** Fetches an IMDSv2 token and the region; both scripts start with it. */
const METADATA = [
  'TOKEN=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")',
  'REGION=$(curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/placement/region)',
];

/** Single-quotes a value for bash. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The ECR registry host of an image, when it lives in ECR (the instance then logs in to pull). */
export function ecrRegistry(image: string): string | undefined {
  const host = image.split('/')[0];
  return /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/.test(host) ? host : undefined;
}

/** `modelVersion` -> `MODEL_VERSION`: the shell variable a release field is read into. */
function shellVariable(field: string): string {
  return field.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The start script of the server, as the instance runs it (tested with shellcheck). */
export function startScript(props: UserDataProps): string {
  const [modelVersion, serverImage, amiId] = RELEASE_FIELDS.map(shellVariable);
  const dockerRun = [
    'docker run --rm --name inference-server',
    ...(props.gpu ? ['--gpus all'] : []),
    // Host networking: the server publishes its metrics with the instance role, and IMDSv2 answers a
    // container on a bridge network only with hop limit 2. It binds both ports itself.
    '--network host',
    '-v "$MODEL_DIR:/models:ro"',
    `-e MODEL_DIR=/models -e "MODEL_VERSION=$${modelVersion}"`,
    `-e PORT=${props.port} -e PINNED_PORT=${props.pinnedPort} -e HEALTH_PATH=${shellQuote(props.healthPath)}`,
    `-e ENVIRONMENT=${shellQuote(props.environment)} -e FLEET="$COLOUR" -e SLOW_REQUEST_SECONDS=${props.slowRequestSeconds}`,
    `"$${serverImage}"`,
  ].join(' \\\n  ');
  return [
    '#!/bin/bash',
    '# Starts the inference server with the release the traffic state names for this fleet (DESIGN.md #5, ADR 0007).',
    'set -euo pipefail',
    `COLOUR=${shellQuote(props.colour)}`,
    `PARAMETER=${shellQuote(props.trafficStateParameter)}`,
    `ARTIFACTS=${shellQuote(props.modelArtifactUri)}`,
    ...METADATA,
    'STATE=$(aws ssm get-parameter --region "$REGION" --name "$PARAMETER" --query Parameter.Value --output text)',
    `RELEASE=$(jq -ec --arg colour "$COLOUR" ${shellQuote(RELEASE_JQ)} <<<"$STATE") || {`,
    '  echo "traffic state $PARAMETER names no release for fleet $COLOUR (a canary not written yet, or a version-1 document the rollout operator has not adopted); retrying" >&2',
    '  exit 1',
    '}',
    `IFS=$'\\t' read -r ${modelVersion} ${serverImage} ${amiId} < <(jq -r '[${RELEASE_FIELDS.map((field) => `.${field}`).join(', ')}] | @tsv' <<<"$RELEASE")`,
    'BOOTED_AMI=$(curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/ami-id)',
    `if [[ "$BOOTED_AMI" != "$${amiId}" ]]; then`,
    `  echo "booted $BOOTED_AMI, but the release of fleet $COLOUR names $${amiId}: the fleet's AMI parameter changed after this instance launched" >&2`,
    'fi',
    `MODEL_DIR="/opt/models/$${modelVersion}"`,
    `aws s3 sync --region "$REGION" --only-show-errors "\${ARTIFACTS}\${${modelVersion}}/" "$MODEL_DIR"`,
    `REGISTRY="\${${serverImage}%%/*}"`,
    'if [[ "$REGISTRY" =~ ^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com$ ]]; then',
    '  aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$REGISTRY"',
    'fi',
    `docker pull "$${serverImage}"`,
    'docker rm -f inference-server 2>/dev/null || true',
    `exec ${dockerRun}`,
    '',
  ].join('\n');
}

/**
 * Completes the instance's launch lifecycle hook (GPU warm-up): CONTINUE once the server answers its
 * health path on both ports, so the instance joins its target groups only when it can serve; ABANDON
 * when the warm-up outlasts its timeout, so Auto Scaling replaces it (ADR 0014). Tested with shellcheck.
 */
export function warmUpScript(props: UserDataProps): string {
  const urls = [props.port, props.pinnedPort].map((port) => shellQuote(`http://127.0.0.1:${port}${props.healthPath}`));
  return [
    '#!/bin/bash',
    '# Completes the launch lifecycle hook once the server answers its health path on both ports (ADR 0014).',
    'set -euo pipefail',
    `GROUP=${shellQuote(props.warmUp.autoScalingGroupName)}`,
    `HOOK=${shellQuote(props.warmUp.lifecycleHookName)}`,
    `HEALTH_URLS=(${urls.join(' ')})`,
    `DEADLINE=$((SECONDS + ${props.warmUp.timeoutSeconds - WARM_UP_MARGIN_SECONDS}))`,
    ...METADATA,
    'INSTANCE_ID=$(curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)',
    'complete() {',
    '  aws autoscaling complete-lifecycle-action --region "$REGION" --auto-scaling-group-name "$GROUP" \\',
    '    --lifecycle-hook-name "$HOOK" --instance-id "$INSTANCE_ID" --lifecycle-action-result "$1"',
    '}',
    'healthy() {',
    '  local url',
    '  for url in "${HEALTH_URLS[@]}"; do',
    '    curl -fsS -o /dev/null --max-time 5 "$url" || return 1',
    '  done',
    '}',
    'until healthy; do',
    '  if ((SECONDS >= DEADLINE)); then',
    `    echo "the server did not answer \${HEALTH_URLS[*]} within ${props.warmUp.timeoutSeconds - WARM_UP_MARGIN_SECONDS} s: abandoning this launch" >&2`,
    '    complete ABANDON',
    '    exit 1',
    '  fi',
    '  sleep 10',
    'done',
    'complete CONTINUE',
    '',
  ].join('\n');
}

function systemdUnit(): string {
  return [
    '[Unit]',
    "Description=canaryfleet inference server (this fleet's release, from the traffic state)",
    'After=docker.service network-online.target',
    'Requires=docker.service',
    'Wants=network-online.target',
    '',
    '[Service]',
    `ExecStart=${START_SCRIPT}`,
    'ExecStop=/usr/bin/docker stop inference-server',
    'Restart=always',
    'RestartSec=10',
    'TimeoutStartSec=0',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * cloud-init for one fleet, rendered by the yaml library: a start script and a systemd unit that
 * restarts the server, so a crash or a missing release (a canary scaled up before the operator wrote
 * it, a version-1 document not adopted yet) heals by retrying every 10 s; then, once, the warm-up that
 * completes the launch lifecycle hook.
 */
export function renderUserData(props: UserDataProps): string {
  const cloudConfig = {
    package_update: false,
    packages: ['jq', ...(props.gpu ? [] : ['docker'])],
    write_files: [
      { path: START_SCRIPT, permissions: '0755', content: startScript(props) },
      { path: WARM_UP_SCRIPT, permissions: '0755', content: warmUpScript(props) },
      { path: `/etc/systemd/system/${SERVICE}.service`, permissions: '0644', content: systemdUnit() },
    ],
    runcmd: [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'docker.service'],
      ['systemctl', 'enable', '--now', `${SERVICE}.service`],
      [WARM_UP_SCRIPT],
    ],
  };
  return `#cloud-config\n# canaryfleet ${props.environment}, fleet ${props.colour}\n${YAML.stringify(cloudConfig, { lineWidth: 0 })}`;
}

import type { FleetColour } from '@canaryfleet/config';

export interface UserDataProps {
  readonly environment: string;
  readonly colour: FleetColour;
  /** Traffic-state parameter name; the fleet's model version is `.modelVersions[colour]` in it. */
  readonly trafficStateParameter: string;
  /** Container image of the inference server. */
  readonly image: string;
  readonly port: number;
  readonly healthPath: string;
  /** S3 prefix ending in '/': artifacts of version v are under `<prefix><v>/`. */
  readonly modelArtifactUri: string;
  /** Start the container with `--gpus all` (NVIDIA instance types on the Deep Learning AMI). */
  readonly gpu: boolean;
}

const SERVICE = 'canaryfleet-inference';
const SCRIPT = '/usr/local/bin/canaryfleet-start-server';

/** Single-quotes a value for bash. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The ECR registry host of an image, when it lives in ECR (the instance then logs in to pull). */
export function ecrRegistry(image: string): string | undefined {
  const host = image.split('/')[0];
  return /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/.test(host) ? host : undefined;
}

function startScript(props: UserDataProps): string {
  const registry = ecrRegistry(props.image);
  const dockerRun = [
    'docker run --rm --name inference-server',
    ...(props.gpu ? ['--gpus all'] : []),
    `-p ${props.port}:${props.port}`,
    '-v "$MODEL_DIR:/models:ro"',
    '-e MODEL_DIR=/models -e "MODEL_VERSION=$VERSION"',
    `-e PORT=${props.port} -e HEALTH_PATH=${shellQuote(props.healthPath)}`,
    '"$IMAGE"',
  ].join(' \\\n  ');
  return [
    '#!/bin/bash',
    '# Starts the inference server with the model version the traffic state names for this fleet (DESIGN.md #5).',
    'set -euo pipefail',
    `COLOUR=${shellQuote(props.colour)}`,
    `PARAMETER=${shellQuote(props.trafficStateParameter)}`,
    `ARTIFACTS=${shellQuote(props.modelArtifactUri)}`,
    `IMAGE=${shellQuote(props.image)}`,
    'TOKEN=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")',
    'REGION=$(curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/placement/region)',
    'STATE=$(aws ssm get-parameter --region "$REGION" --name "$PARAMETER" --query Parameter.Value --output text)',
    'VERSION=$(jq -er --arg colour "$COLOUR" \'.modelVersions[$colour] // empty\' <<<"$STATE") || {',
    '  echo "traffic state $PARAMETER names no model version for fleet $COLOUR; retrying" >&2',
    '  exit 1',
    '}',
    'MODEL_DIR="/opt/models/$VERSION"',
    'aws s3 sync --region "$REGION" --only-show-errors "${ARTIFACTS}${VERSION}/" "$MODEL_DIR"',
    ...(registry
      ? [`aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin ${registry}`]
      : []),
    'docker pull "$IMAGE"',
    'docker rm -f inference-server 2>/dev/null || true',
    `exec ${dockerRun}`,
    '',
  ].join('\n');
}

function systemdUnit(): string {
  return [
    '[Unit]',
    'Description=canaryfleet inference server (model version from the traffic state)',
    'After=docker.service network-online.target',
    'Requires=docker.service',
    'Wants=network-online.target',
    '',
    '[Service]',
    `ExecStart=${SCRIPT}`,
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

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text.split('\n').map((line) => (line === '' ? line : pad + line)).join('\n');
}

/**
 * cloud-init for one fleet: a start script and a systemd unit that restarts the server, so a crash or a
 * missing model version (canary scaled up before the controller wrote it) heals by retrying.
 */
export function renderUserData(props: UserDataProps): string {
  return [
    '#cloud-config',
    `# canaryfleet ${props.environment}, fleet ${props.colour}`,
    'package_update: false',
    'packages:',
    '  - jq',
    ...(props.gpu ? [] : ['  - docker']),
    'write_files:',
    `  - path: ${SCRIPT}`,
    "    permissions: '0755'",
    '    content: |',
    indent(startScript(props), 6),
    `  - path: /etc/systemd/system/${SERVICE}.service`,
    "    permissions: '0644'",
    '    content: |',
    indent(systemdUnit(), 6),
    'runcmd:',
    '  - [systemctl, daemon-reload]',
    '  - [systemctl, enable, --now, docker.service]',
    `  - [systemctl, enable, --now, ${SERVICE}.service]`,
    '',
  ].join('\n');
}

import { RELEASE_FIELDS, RELEASE_JQ } from '@canaryfleet/traffic-state';
import { spawnSync } from 'node:child_process';
import YAML from 'yaml';
import { ecrRegistry, renderUserData, shellQuote, startScript, warmUpScript, type UserDataProps } from './user-data';

const base: UserDataProps = {
  environment: 'dev',
  colour: 'green',
  trafficStateParameter: '/canaryfleet/dev/traffic-state',
  port: 8080,
  pinnedPort: 8081,
  healthPath: '/health',
  slowRequestSeconds: 5,
  modelArtifactUri: 's3://models-bucket/dev/',
  gpu: true,
  warmUp: { autoScalingGroupName: 'canaryfleet-dev-green', lifecycleHookName: 'warm-up', timeoutSeconds: 1800 },
};

interface CloudConfig {
  package_update: boolean;
  packages: string[];
  write_files: { path: string; permissions: string; content: string }[];
  runcmd: string[][];
}

/** What cloud-init reads: the user data parsed as YAML after its `#cloud-config` line. */
function cloudConfig(props: UserDataProps): CloudConfig {
  const text = renderUserData(props);
  expect(text.startsWith('#cloud-config\n')).toBe(true);
  return YAML.parse(text) as CloudConfig;
}

const file = (config: CloudConfig, path: string) => config.write_files.find((f) => f.path === path);

describe('renderUserData', () => {
  const config = cloudConfig(base);
  const start = file(config, '/usr/local/bin/canaryfleet-start-server')?.content ?? '';
  const warmUp = file(config, '/usr/local/bin/canaryfleet-complete-warm-up')?.content ?? '';

  it('is cloud-config carrying the two scripts and a restarting systemd unit, byte for byte', () => {
    expect(config.write_files.map((f) => [f.path, f.permissions])).toEqual([
      ['/usr/local/bin/canaryfleet-start-server', '0755'],
      ['/usr/local/bin/canaryfleet-complete-warm-up', '0755'],
      ['/etc/systemd/system/canaryfleet-inference.service', '0644'],
    ]);
    expect(start).toBe(startScript(base));
    expect(warmUp).toBe(warmUpScript(base));
    expect(file(config, '/etc/systemd/system/canaryfleet-inference.service')?.content).toContain('\nRestart=always\n');
    expect(config.package_update).toBe(false);
  });

  it('starts the server, then runs the warm-up once, after it', () => {
    expect(config.runcmd).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'docker.service'],
      ['systemctl', 'enable', '--now', 'canaryfleet-inference.service'],
      ['/usr/local/bin/canaryfleet-complete-warm-up'],
    ]);
  });

  it('keeps any value intact through YAML: quotes, colons and a leading # in a path', () => {
    const odd = { ...base, healthPath: "/ready: it's #1", environment: "o'brien" };
    const parsed = cloudConfig(odd);
    expect(file(parsed, '/usr/local/bin/canaryfleet-start-server')?.content).toBe(startScript(odd));
    expect(file(parsed, '/usr/local/bin/canaryfleet-complete-warm-up')?.content).toBe(warmUpScript(odd));
  });

  it("reads this fleet's release from the traffic state through the library's field path, with an IMDSv2 token", () => {
    expect(start).toContain('TOKEN=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token');
    expect(start).toContain('-H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/placement/region');
    expect(start).toContain("\nCOLOUR='green'\n");
    expect(start).toContain("\nPARAMETER='/canaryfleet/dev/traffic-state'\n");
    expect(start).toContain('aws ssm get-parameter --region "$REGION" --name "$PARAMETER" --query Parameter.Value --output text');
    expect(start).toContain(`RELEASE=$(jq -ec --arg colour "$COLOUR" '${RELEASE_JQ}' <<<"$STATE") || {`);
    expect(start).toContain(`read -r MODEL_VERSION SERVER_IMAGE AMI_ID < <(jq -r '[.modelVersion, .serverImage, .amiId] | @tsv' <<<"$RELEASE")`);
    expect(RELEASE_FIELDS).toEqual(['modelVersion', 'serverImage', 'amiId']);
  });

  it('runs the image of the release, never a configured one, and logs in to its registry only when it is ECR', () => {
    expect(start).not.toContain('llm-server');
    expect(start).toContain('REGISTRY="${SERVER_IMAGE%%/*}"');
    expect(start).toContain('aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$REGISTRY"');
    expect(start).toContain('docker pull "$SERVER_IMAGE"');
    expect(start).toMatch(/\n {2}"\$SERVER_IMAGE"\n/);
  });

  it('says when the instance booted another AMI than its release names', () => {
    expect(start).toContain('BOOTED_AMI=$(curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/ami-id)');
    expect(start).toContain('if [[ "$BOOTED_AMI" != "$AMI_ID" ]]; then');
  });

  it('downloads the artifacts of the release and serves both ports with GPUs, labelled for its metrics', () => {
    expect(start).toContain('aws s3 sync --region "$REGION" --only-show-errors "${ARTIFACTS}${MODEL_VERSION}/" "$MODEL_DIR"');
    expect(start).toContain("\nARTIFACTS='s3://models-bucket/dev/'\n");
    expect(start).toContain('exec docker run --rm --name inference-server \\\n  --gpus all \\\n  --network host \\');
    expect(start).toContain("-e PORT=8080 -e PINNED_PORT=8081 -e HEALTH_PATH='/health'");
    expect(start).toContain(`-e ENVIRONMENT='dev' -e FLEET="$COLOUR" -e SLOW_REQUEST_SECONDS=5`);
    expect(config.packages).toEqual(['jq']);
  });

  it('installs docker and passes no GPU flag on CPU instances', () => {
    const cpu = cloudConfig({ ...base, gpu: false });
    expect(cpu.packages).toEqual(['jq', 'docker']);
    expect(file(cpu, '/usr/local/bin/canaryfleet-start-server')?.content).not.toContain('--gpus');
  });

  it('completes the lifecycle hook of its own group: CONTINUE once both ports answer the health path, ABANDON before the heartbeat runs out', () => {
    expect(warmUp).toContain("GROUP='canaryfleet-dev-green'");
    expect(warmUp).toContain("HOOK='warm-up'");
    expect(warmUp).toContain("HEALTH_URLS=('http://127.0.0.1:8080/health' 'http://127.0.0.1:8081/health')");
    expect(warmUp).toContain('DEADLINE=$((SECONDS + 1740))');
    expect(warmUp).toContain('INSTANCE_ID=$(curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)');
    expect(warmUp).toContain('aws autoscaling complete-lifecycle-action --region "$REGION" --auto-scaling-group-name "$GROUP" \\\n    --lifecycle-hook-name "$HOOK" --instance-id "$INSTANCE_ID" --lifecycle-action-result "$1"');
    expect(warmUp).toContain('curl -fsS -o /dev/null --max-time 5 "$url" || return 1');
    expect(warmUp.indexOf('complete ABANDON')).toBeGreaterThan(warmUp.indexOf('if ((SECONDS >= DEADLINE)); then'));
    expect(warmUp.trimEnd().endsWith('done\ncomplete CONTINUE')).toBe(true);
  });
});

// The scripts as the instance runs them, through shellcheck (Debian's 0.9; .ci/run installs it).
const hasShellcheck = spawnSync('shellcheck', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasShellcheck && process.env.CI === 'true') throw new Error('shellcheck not found on PATH and CI=true: install it (apt-get install shellcheck)');
if (!hasShellcheck) process.stderr.write('\n!!! SKIPPED: the rendered start and warm-up scripts need shellcheck on PATH (apt-get install shellcheck)\n\n');
const describeWithShellcheck = hasShellcheck ? describe : describe.skip;

function shellcheck(script: string): unknown[] {
  const run = spawnSync('shellcheck', ['--norc', '-f', 'json', '-'], { input: script, encoding: 'utf8' });
  if (run.status !== 0 && run.status !== 1) throw new Error(`shellcheck exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as unknown[];
}

describeWithShellcheck('the rendered scripts pass shellcheck', () => {
  it.each([
    ['start script, GPU', startScript(base)],
    ['start script, CPU', startScript({ ...base, gpu: false })],
    ['warm-up script', warmUpScript(base)],
    ['start script with quotes in every value', startScript({ ...base, healthPath: "/it's", environment: "o'brien", modelArtifactUri: "s3://b/it's/" })],
    ['warm-up script with quotes in every value', warmUpScript({ ...base, healthPath: "/it's", warmUp: { ...base.warmUp, autoScalingGroupName: "g'roup" } })],
  ])('%s', (_, script) => {
    expect(shellcheck(script)).toEqual([]);
  });

  it('would report a defect', () => {
    expect(shellcheck('#!/bin/bash\necho $UNQUOTED\n')).not.toEqual([]);
  });
});

describe('shell helpers', () => {
  it('quotes single quotes for bash', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('recognises ECR registries only', () => {
    expect(ecrRegistry('111111111111.dkr.ecr.eu-west-1.amazonaws.com/x:1')).toBe('111111111111.dkr.ecr.eu-west-1.amazonaws.com');
    expect(ecrRegistry('docker.io/library/x:1')).toBeUndefined();
  });
});

import { RELEASE_FIELDS, RELEASE_JQ } from '@canaryfleet/traffic-state';
import { ecrRegistry, renderUserData, shellQuote, type UserDataProps } from './user-data';

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
};

describe('renderUserData', () => {
  const text = renderUserData(base);

  it('is cloud-config with the start script and a restarting systemd unit', () => {
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    expect(text).toContain('  - path: /usr/local/bin/canaryfleet-start-server\n');
    expect(text).toContain('  - path: /etc/systemd/system/canaryfleet-inference.service\n');
    expect(text).toContain('      Restart=always\n');
    expect(text).toContain('  - [systemctl, enable, --now, canaryfleet-inference.service]\n');
  });

  it("reads this fleet's release from the traffic state through the library's field path, with an IMDSv2 token", () => {
    expect(text).toContain('TOKEN=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token');
    expect(text).toContain('-H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/placement/region');
    expect(text).toContain("      COLOUR='green'\n");
    expect(text).toContain("      PARAMETER='/canaryfleet/dev/traffic-state'\n");
    expect(text).toContain('aws ssm get-parameter --region "$REGION" --name "$PARAMETER" --query Parameter.Value --output text');
    expect(text).toContain(`RELEASE=$(jq -ec --arg colour "$COLOUR" '${RELEASE_JQ}' <<<"$STATE") || {`);
    expect(text).toContain(`read -r MODEL_VERSION SERVER_IMAGE AMI_ID < <(jq -r '[.modelVersion, .serverImage, .amiId] | @tsv' <<<"$RELEASE")`);
    expect(RELEASE_FIELDS).toEqual(['modelVersion', 'serverImage', 'amiId']);
  });

  it('runs the image of the release, never a configured one, and logs in to its registry only when it is ECR', () => {
    expect(text).not.toContain('llm-server');
    expect(text).toContain('REGISTRY="${SERVER_IMAGE%%/*}"');
    expect(text).toContain('aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$REGISTRY"');
    expect(text).toContain('docker pull "$SERVER_IMAGE"');
    expect(text).toMatch(/\n {8}"\$SERVER_IMAGE"\n/);
  });

  it('says when the instance booted another AMI than its release names', () => {
    expect(text).toContain('BOOTED_AMI=$(curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/ami-id)');
    expect(text).toContain('if [[ "$BOOTED_AMI" != "$AMI_ID" ]]; then');
  });

  it('downloads the artifacts of the release and serves both ports with GPUs, labelled for its metrics', () => {
    expect(text).toContain('aws s3 sync --region "$REGION" --only-show-errors "${ARTIFACTS}${MODEL_VERSION}/" "$MODEL_DIR"');
    expect(text).toContain("      ARTIFACTS='s3://models-bucket/dev/'\n");
    expect(text).toContain('exec docker run --rm --name inference-server \\\n        --gpus all \\\n        --network host \\');
    expect(text).toContain("-e PORT=8080 -e PINNED_PORT=8081 -e HEALTH_PATH='/health'");
    expect(text).toContain(`-e ENVIRONMENT='dev' -e FLEET="$COLOUR" -e SLOW_REQUEST_SECONDS=5`);
    expect(text).not.toContain('  - docker\n');
  });

  it('installs docker and passes no GPU flag on CPU instances', () => {
    const cpu = renderUserData({ ...base, gpu: false });
    expect(cpu).toContain('packages:\n  - jq\n  - docker\n');
    expect(cpu).not.toContain('--gpus');
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

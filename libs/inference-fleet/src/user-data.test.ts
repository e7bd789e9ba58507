import { ecrRegistry, renderUserData, shellQuote, type UserDataProps } from './user-data';

const base: UserDataProps = {
  environment: 'dev',
  colour: 'green',
  trafficStateParameter: '/canaryfleet/dev/traffic-state',
  image: '111111111111.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2',
  port: 8080,
  healthPath: '/health',
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

  it("reads this fleet's model version from the traffic state with an IMDSv2 token for the region", () => {
    expect(text).toContain('TOKEN=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token');
    expect(text).toContain('-H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/placement/region');
    expect(text).toContain("      COLOUR='green'\n");
    expect(text).toContain("      PARAMETER='/canaryfleet/dev/traffic-state'\n");
    expect(text).toContain('aws ssm get-parameter --region "$REGION" --name "$PARAMETER" --query Parameter.Value --output text');
    expect(text).toContain(`jq -er --arg colour "$COLOUR" '.modelVersions[$colour] // empty'`);
  });

  it('downloads the artifacts of that version and runs the container with GPUs on the server port', () => {
    expect(text).toContain('aws s3 sync --region "$REGION" --only-show-errors "${ARTIFACTS}${VERSION}/" "$MODEL_DIR"');
    expect(text).toContain("      ARTIFACTS='s3://models-bucket/dev/'\n");
    expect(text).toContain('docker login --username AWS --password-stdin 111111111111.dkr.ecr.us-east-1.amazonaws.com');
    expect(text).toContain('exec docker run --rm --name inference-server \\\n        --gpus all \\\n        -p 8080:8080 \\');
    expect(text).toContain("-e PORT=8080 -e HEALTH_PATH='/health'");
    expect(text).not.toContain('  - docker\n');
  });

  it('installs docker and passes no GPU flag on CPU instances', () => {
    const cpu = renderUserData({ ...base, gpu: false, image: 'ghcr.io/acme/llm-server:1.4.2' });
    expect(cpu).toContain('packages:\n  - jq\n  - docker\n');
    expect(cpu).not.toContain('--gpus');
    expect(cpu).not.toContain('docker login');
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

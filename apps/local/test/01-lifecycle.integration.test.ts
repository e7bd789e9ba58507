import { attachSharedDeployment, type LocalEnvironment } from '@canaryfleet/tools';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// The local environment's first deployment, through the same tools the nx targets run:
// synth -> plan + review -> deploy of the saved plan -> converged -> outputs -> stale plan refused.
// It stays deployed for the test files after this one (the suite's shared deployment); the last destroys it.
const shared = attachSharedDeployment();
const describeIntegration = shared ? describe : describe.skip;

describeIntegration('local environment on moto: first deployment', () => {
  const local = shared as LocalEnvironment;
  let stackDir: string;

  beforeAll(async () => {
    await local.bootstrap();
    stackDir = await local.initEnvironment();
  }, 300_000);

  test('plan writes a saved plan and a review that flags the new environment as risky', async () => {
    const plan = await local.mustRun('terraform/plan.ts', ['local']);
    expect(plan.stdout).toContain('local/inference: changes');
    const review = await local.tool('plan-review/main.ts', ['local', '--detailed-exitcode']);
    expect(review.code).toBe(3);
    const markdown = readFileSync(path.join(local.workDir, 'plans', 'local', 'review.md'), 'utf8');
    expect(markdown).toContain('<!-- canaryfleet-plan-review:local -->');
    expect(markdown).toMatch(/\| inference \| \d+ \| 0 \| 0 \| 0 \| 0 \|/);
  }, 300_000);

  test('deploy applies exactly the saved plan', async () => {
    const deploy = await local.mustRun('terraform/deploy.ts', ['local']);
    expect(deploy.stderr).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
    expect(deploy.stdout).toContain('local/inference: applied');
  }, 600_000);

  test('a second plan reports no changes, and so does its review', async () => {
    const plan = await local.mustRun('terraform/plan.ts', ['local']);
    expect(plan.stdout).toContain('local/inference: no changes');
    const detailed = await local.terraform(stackDir, ['plan', '-detailed-exitcode', '-input=false', '-no-color'], [2]);
    expect(detailed.code).toBe(0);
    expect((await local.tool('plan-review/main.ts', ['local', '--detailed-exitcode'])).code).toBe(0);
  }, 300_000);

  test('outputs writes the machine-readable file the operator reads', async () => {
    await local.mustRun('terraform/outputs.ts', ['local']);
    const file = JSON.parse(readFileSync(path.join(local.workDir, 'outputs', 'local.json'), 'utf8')) as { environment: string; outputs: Record<string, unknown> };
    expect(file.environment).toBe('local');
    const arn = (kind: string) => expect.stringMatching(new RegExp(`^arn:aws:[a-z-]+:us-east-1:\\d{12}:${kind}`));
    expect(file.outputs).toEqual({
      vpc_id: expect.stringMatching(/^vpc-/),
      private_subnet_ids: [expect.stringMatching(/^subnet-/), expect.stringMatching(/^subnet-/)],
      alb_dns_name: expect.any(String),
      alb_arn: arn('loadbalancer/app/canaryfleet-local/'),
      alb_arn_suffix: expect.stringMatching(/^app\/canaryfleet-local\/\w+$/),
      traffic_listener_arn: arn('listener/app/canaryfleet-local/'),
      header_rule_arns: { canary: arn('listener-rule/app/canaryfleet-local/'), stable: arn('listener-rule/app/canaryfleet-local/') },
      target_group_arns: { blue: arn('targetgroup/cf-local-blue/'), green: arn('targetgroup/cf-local-green/') },
      target_group_arn_suffixes: { blue: expect.stringMatching(/^targetgroup\/cf-local-blue\/\w+$/), green: expect.stringMatching(/^targetgroup\/cf-local-green\/\w+$/) },
      pinned_target_group_arns: { blue: arn('targetgroup/cf-local-blue-pin/'), green: arn('targetgroup/cf-local-green-pin/') },
      server_ports: { weighted: 8080, pinned: 8081 },
      asg_names: { blue: 'canaryfleet-local-blue', green: 'canaryfleet-local-green' },
      traffic_state_parameter: '/canaryfleet/local/traffic-state',
      fleet_ami_parameters: { blue: '/canaryfleet/local/fleets/blue/ami-id', green: '/canaryfleet/local/fleets/green/ami-id' },
      release_defaults: { serverImage: '000000000000.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2', amiSourceParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64', modelArtifactUri: 's3://canaryfleet-local-models/local/' },
      routing_policy: { environment: 'local', stickinessSeconds: 10, header: { name: 'X-Canary', canaryValue: 'always' } },
      fleet_capacity: { min: 1, max: 2, initial: 1 },
      alarm_names: {
        blue: { target_5xx_rate: 'canaryfleet-local-blue-target-5xx-rate', p99_latency: 'canaryfleet-local-blue-p99-latency', unhealthy_hosts: 'canaryfleet-local-blue-unhealthy-hosts' },
        green: { target_5xx_rate: 'canaryfleet-local-green-target-5xx-rate', p99_latency: 'canaryfleet-local-green-p99-latency', unhealthy_hosts: 'canaryfleet-local-green-unhealthy-hosts' },
      },
      alarm_topic_arn: arn('canaryfleet-local-alarms'),
      rollout_table_name: 'canaryfleet-local-rollouts',
      operator_policy_arn: 'arn:aws:iam::123456789012:policy/canaryfleet-local-operator',
      fleet_metrics: { namespace: 'CanaryFleet/Inference', periodSeconds: 10, slowRequestSeconds: 5 },
      deregistration_delay_seconds: 300,
      alb_metrics_period_seconds: 10,
    });
  }, 120_000);

  test('deploy refuses a saved plan once the state has moved, and says what to do', async () => {
    await local.mustRun('terraform/plan.ts', ['local']);
    // Any write to the state (here a taint and its undo) makes the saved plan stale.
    await local.terraform(stackDir, ['taint', 'aws_ssm_parameter.traffic_state']);
    await local.terraform(stackDir, ['untaint', 'aws_ssm_parameter.traffic_state']);
    const deploy = await local.tool('terraform/deploy.ts', ['local']);
    expect(deploy.code).toBe(1);
    expect(deploy.stderr).toContain('local/inference: the state changed since this plan was made (another apply ran), so terraform refused it and changed nothing.');
  }, 300_000);
});

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
    expect(file.outputs).toMatchObject({
      traffic_state_parameter: '/canaryfleet/local/traffic-state',
      asg_names: { blue: 'canaryfleet-local-blue', green: 'canaryfleet-local-green' },
      target_group_arns: { blue: expect.stringContaining('targetgroup/cf-local-blue/'), green: expect.stringContaining('targetgroup/cf-local-green/') },
      alb_dns_name: expect.any(String),
      traffic_listener_arn: expect.stringContaining(':listener/app/canaryfleet-local/'),
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

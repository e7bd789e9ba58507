import { LocalEnvironment, requireIntegrationTools } from '@canaryfleet/tools';

// The whole local environment against moto: apply, converge, destroy (DESIGN.md #8).
const runs = requireIntegrationTools('local environment integration');
const describeIntegration = runs ? describe : describe.skip;

describeIntegration('local environment on moto', () => {
  let local: LocalEnvironment;
  let stackDir: string;

  beforeAll(async () => {
    local = await LocalEnvironment.start();
    await local.bootstrap();
    stackDir = await local.initEnvironment();
  }, 300_000);

  afterAll(async () => {
    await local?.stop();
  });

  test('terraform apply succeeds against moto', async () => {
    const result = await local.terraform(stackDir, ['apply', '-auto-approve', '-input=false', '-no-color']);
    expect(result.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
  }, 600_000);

  test('a second plan reports no changes', async () => {
    const plan = await local.terraform(stackDir, ['plan', '-detailed-exitcode', '-input=false', '-no-color'], [2]);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
  }, 300_000);

  test('the state lives in the S3 backend with a lockfile-capable key', async () => {
    const state = await local.terraform(stackDir, ['state', 'list']);
    expect(state.stdout).toContain('aws_vpc.network_vpc');
  }, 120_000);

  test('terraform destroy cleans up', async () => {
    const result = await local.terraform(stackDir, ['destroy', '-auto-approve', '-input=false', '-no-color']);
    expect(result.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed/);
    const state = await local.terraform(stackDir, ['state', 'list']);
    expect(state.stdout.trim()).toBe('');
  }, 600_000);
});

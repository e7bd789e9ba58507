import { attachSharedDeployment, type LocalEnvironment } from '@canaryfleet/tools';

// Last file of the suite: the shared deployment is destroyed through the project's tool.
const shared = attachSharedDeployment();
const describeIntegration = shared ? describe : describe.skip;

describeIntegration('local environment on moto: destroy', () => {
  const local = shared as LocalEnvironment;

  test('destroy leaves nothing in the state', async () => {
    await local.ensureDeployed();
    await local.mustRun('terraform/destroy.ts', ['local']);
    const state = await local.terraform(local.stackDir('local', 'inference'), ['state', 'list']);
    expect(state.stdout.trim()).toBe('');
  }, 600_000);
});

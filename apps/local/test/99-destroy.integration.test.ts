import { attachSharedDeployment, remainingStackResources, type LocalEnvironment } from '@canaryfleet/tools';

// Last file of the suite: whatever the files before left deployed is torn down through the project's
// tool, so the suite ends with nothing of the environment on moto but its state bucket (moto goes with
// the suite). 90-cdktf-cli has already destroyed the environment with `cdktf destroy`; then this
// destroy finds an empty state and changes nothing: it costs an init and a refresh, never a redeploy.
const shared = attachSharedDeployment();
const describeIntegration = shared ? describe : describe.skip;

describeIntegration('local environment on moto: destroy', () => {
  const local = shared as LocalEnvironment;

  test('destroy leaves nothing in the state and nothing of the environment on moto', async () => {
    const dir = await local.initEnvironment();
    await local.mustRun('terraform/destroy.ts', ['local']);
    expect((await local.terraform(dir, ['state', 'list'])).stdout.trim()).toBe('');
    expect(await remainingStackResources(local.aws, 'local')).toEqual([]);
  }, 600_000);
});

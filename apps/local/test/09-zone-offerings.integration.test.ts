import { awsProvider } from '@canaryfleet/environment-stack';
import { ZoneOfferingCheck } from '@canaryfleet/network';
import { attachSharedDeployment, runTerraform, type LocalEnvironment } from '@canaryfleet/tools';
import { LocalBackend, Testing, TerraformStack } from 'cdktf';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { config } from '../src/config';

// The zones check (ADR 0014) on moto with real terraform: a tiny stack of the local provider and the
// environment's ZoneOfferingCheck, planned against the suite's moto, whose DescribeInstanceTypeOfferings
// answers like AWS (us-east-1e offers no t3.large). Uses only the shared moto, never the deployment.
const shared = attachSharedDeployment();
const describeIntegration = shared ? describe : describe.skip;

describeIntegration('zones that do not offer the instance type stop the plan (moto)', () => {
  const local = shared as LocalEnvironment;
  const dir = mkdtempSync(path.join(tmpdir(), 'canaryfleet-zones-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function plan(zones: string[]) {
    const stack = new TerraformStack(Testing.app(), 'zones');
    new LocalBackend(stack, { path: path.join(dir, 'zones.tfstate') });
    awsProvider(stack, config);
    new ZoneOfferingCheck(stack, 'zone-offerings', { environment: config.name, zones, instanceTypes: [config.fleet.instanceType] });
    writeFileSync(path.join(dir, 'cdk.tf.json'), Testing.synth(stack));
    await runTerraform(['init', '-input=false', '-no-color'], { cwd: dir, env: local.aws.env });
    return runTerraform(['plan', '-input=false', '-no-color'], { cwd: dir, env: local.aws.env, okCodes: [1] });
  }

  test('the configured zones of local offer its instance type: the plan passes', async () => {
    const passed = await plan(Object.keys(config.network.availabilityZones));
    expect(passed.code).toBe(0);
  }, 120_000);

  test('a zone without the instance type refuses the plan, naming the zone, the type and the field', async () => {
    const refused = await plan(['us-east-1a', 'us-east-1e']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.replace(/\s+/g, ' ')).toContain(
      'network.availabilityZones of local: us-east-1e do not offer instance type t3.large (fleet.instanceType). Choose zones that offer it',
    );
  }, 120_000);
});

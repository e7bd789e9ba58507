import { DescribeAutoScalingGroupsCommand, AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeLoadBalancerAttributesCommand, ElasticLoadBalancingV2Client, ModifyLoadBalancerAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { attachSharedDeployment, remainingStackResources, localAwsClientConfig, type LocalEnvironment, type LocalOutputs, type ToolResult } from '@canaryfleet/tools';

// Issue 13: the cdktf CLI (`cdktf deploy|diff|destroy` of CANARYFLEET_APP=local through the root
// cdktf.json, from a shell that sourced the local AWS env file) and the nx targets drive one environment
// interchangeably: what either applies, the other finds converged. Offline and without
// --skip-provider-lock: the committed lock file synth put in the stack gives the CLI no reason to ask
// the registry. The files before this one deployed the stack through the nx tools; this file ends with
// it destroyed by `cdktf destroy`, so 99-destroy finds nothing of the environment left to tear down.
const shared = attachSharedDeployment();
const describeIntegration = shared ? describe : describe.skip;

// The test may not edit the repository's config, so the changes to apply are made by hand on moto:
// dropping invalid header fields, a secure default of the ALB, switched off as someone might in a console.
const DROP_INVALID_HEADERS = 'routing.http.drop_invalid_header_fields.enabled';

describeIntegration('the cdktf CLI path on the local environment (moto)', () => {
  const local = shared as LocalEnvironment;
  let outputs: LocalOutputs;
  let elb: ElasticLoadBalancingV2Client;

  async function dropsInvalidHeaders(): Promise<string | undefined> {
    const { Attributes } = await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: outputs.alb_arn as string }));
    return Attributes?.find((a) => a.Key === DROP_INVALID_HEADERS)?.Value;
  }

  async function switchOffDropInvalidHeadersByHand(): Promise<void> {
    await elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: outputs.alb_arn as string, Attributes: [{ Key: DROP_INVALID_HEADERS, Value: 'false' }] }));
    expect(await dropsInvalidHeaders()).toBe('false');
  }

  async function mustCdktf(args: readonly string[]): Promise<ToolResult> {
    const result = await local.cdktf(args);
    if (result.code !== 0) throw new Error(`cdktf ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  beforeAll(async () => {
    outputs = await local.ensureDeployed();
    elb = new ElasticLoadBalancingV2Client(localAwsClientConfig(local.aws));
  }, 900_000);

  afterAll(() => elb?.destroy());

  test('cdktf deploy applies a change, and then the nx plan finds nothing to do', async () => {
    await switchOffDropInvalidHeadersByHand();
    const deploy = await mustCdktf(['deploy', '--auto-approve']);
    expect(deploy.stdout).toMatch(/Apply complete! Resources: \d+ added, [1-9]\d* changed, 0 destroyed/);
    expect(await dropsInvalidHeaders()).toBe('true');
    expect((await local.mustRun('terraform/plan.ts', ['local'])).stdout).toContain('local/inference: no changes');
  }, 600_000);

  test('a change applied through the nx targets leaves cdktf diff nothing to do', async () => {
    await switchOffDropInvalidHeadersByHand();
    const deploy = await local.mustRun('terraform/deploy.ts', ['local', '--fresh']);
    expect(deploy.stderr).toMatch(/Apply complete! Resources: \d+ added, [1-9]\d* changed, 0 destroyed/);
    expect(await dropsInvalidHeaders()).toBe('true');
    const diff = await mustCdktf(['diff']);
    expect(diff.stdout).toContain('No changes. Your infrastructure matches the configuration.');
    expect(diff.stdout).not.toMatch(/Plan: \d+ to add/);
  }, 600_000);

  test('cdktf destroy leaves nothing behind: an empty state, and nothing of the environment on moto', async () => {
    expect(await remainingStackResources(local.aws, 'local')).toContain(outputs.alb_arn);

    await mustCdktf(['destroy', '--auto-approve']);

    const dir = await local.initEnvironment();
    expect((await local.terraform(dir, ['state', 'list'])).stdout.trim()).toBe('');
    expect(await remainingStackResources(local.aws, 'local')).toEqual([]);
    // Auto Scaling groups carry no environment tags (the tagging API does not list them anyway): by name.
    const autoscaling = new AutoScalingClient(localAwsClientConfig(local.aws));
    const { AutoScalingGroups } = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: Object.values(outputs.asg_names as Record<string, string>) }));
    autoscaling.destroy();
    expect(AutoScalingGroups).toEqual([]);
  }, 600_000);
});

import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { trafficStateParameterName, trafficStateSchema, type TrafficState } from '@canaryfleet/config';
import { attachSharedDeployment, type LocalEnvironment } from '@canaryfleet/tools';

// Issue 3 point 6 / DESIGN.md #3: the rollout controller writes the traffic state, and Terraform renders
// the listener from its *current* value. Change it with the AWS SDK, plan (the listener shows the new
// weights), apply, plan again (nothing left to do).
const shared = attachSharedDeployment();
const describeIntegration = shared ? describe : describe.skip;

type Change = { address: string; change: { actions: string[]; after: Record<string, unknown> } };
const TRAFFIC_RESOURCES = ['aws_ssm_parameter.traffic_state', 'aws_lb_listener.listener_http', 'aws_lb_listener_rule.rule_header_canary', 'aws_lb_listener_rule.rule_header_stable'];

describeIntegration('traffic state read back by terraform (local environment on moto)', () => {
  const local = shared as LocalEnvironment;
  let stackDir: string;
  let ssm: SSMClient;
  const parameter = trafficStateParameterName('local');

  async function planChanges(): Promise<Change[]> {
    await local.terraform(stackDir, ['plan', '-out=traffic.tfplan', '-input=false', '-no-color'], [2]);
    const shown = await local.terraform(stackDir, ['show', '-json', 'traffic.tfplan']);
    return ((JSON.parse(shown.stdout) as { resource_changes?: Change[] }).resource_changes ?? []).filter((c) => !c.change.actions.includes('no-op'));
  }

  beforeAll(async () => {
    const { env, endpoint } = local.aws;
    ssm = new SSMClient({ endpoint, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY } });
    await local.ensureDeployed();
    stackDir = await local.initEnvironment();
  }, 900_000);

  afterAll(() => {
    ssm?.destroy();
  });

  test('terraform created revision 1: blue stable at 100 %, no canary', async () => {
    const value = (await ssm.send(new GetParameterCommand({ Name: parameter }))).Parameter?.Value ?? '';
    const state = trafficStateSchema.parse(JSON.parse(value));
    expect(state).toMatchObject({ revision: 1, stable: 'blue', weights: { blue: 100, green: 0 }, modelVersions: { green: null } });
  });

  test('a controller write shows up in the plan as new listener weights and a live canary rule', async () => {
    const rollout: TrafficState = {
      schemaVersion: 1,
      revision: 2,
      stable: 'blue',
      weights: { blue: 80, green: 20 },
      modelVersions: { blue: 'tiny-llm-v1', green: 'tiny-llm-v2' },
      updatedAt: '2026-11-29T12:00:00Z',
      updatedBy: 'traffic-state-integration-test',
    };
    await ssm.send(new PutParameterCommand({ Name: parameter, Type: 'String', Value: JSON.stringify(rollout), Overwrite: true }));

    const changes = await planChanges();
    const byAddress = Object.fromEntries(changes.map((c) => [c.address, c]));
    // Terraform never writes the parameter back (ignore_changes): the controller owns it.
    expect(byAddress['aws_ssm_parameter.traffic_state']).toBeUndefined();
    const listener = byAddress['aws_lb_listener.listener_http'];
    expect(listener.change.actions).toEqual(['update']);
    const [action] = listener.change.after.default_action as { forward: { target_group: { weight: number }[] }[] }[];
    expect(action.forward[0].target_group.map((g) => g.weight).sort((a, b) => a - b)).toEqual([20, 80]);
    const canaryRule = byAddress['aws_lb_listener_rule.rule_header_canary'];
    expect((canaryRule.change.after.action as { type: string }[])[0].type).toBe('forward');

    await local.terraform(stackDir, ['apply', '-input=false', '-no-color', 'traffic.tfplan']);
    const elb = new ElasticLoadBalancingV2Client({ endpoint: local.aws.endpoint, region: local.aws.env.AWS_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const listeners = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: (await local.terraform(stackDir, ['output', '-raw', 'alb_arn'])).stdout }));
    elb.destroy();
    const weights = listeners.Listeners?.[0].DefaultActions?.[0].ForwardConfig?.TargetGroups?.map((g) => g.Weight).sort((a = 0, b = 0) => a - b);
    expect(weights).toEqual([20, 80]);
  }, 600_000);

  test('a second plan has nothing to do for the traffic state, the listener or the rules', async () => {
    const changes = await planChanges();
    expect(changes.filter((c) => TRAFFIC_RESOURCES.includes(c.address)).map((c) => c.address)).toEqual([]);
  }, 300_000);
});

import { SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { ModifyListenerCommand, ModifyRuleCommand, type Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { arnSuffix, awsClients, parseEnvironmentOutputs, seedModelArtifacts, startDataPlane, type AwsClients, type DataPlane, type EnvironmentOutputs } from '@canaryfleet/data-plane';
import { ALB_METRICS, FLEET_METRICS, type Route } from '@canaryfleet/fleet-metrics';
import { finish, parseTrafficState, renderListenerActions, rollBack, serializeTrafficState, setCanaryShare, startCanary, type FleetColour, type TrafficState } from '@canaryfleet/traffic-state';
import { attachSharedDeployment, until, type LocalEnvironment } from '@canaryfleet/tools';
import { Agent, request } from 'undici';

// The data plane on the shared local deployment: the ALB stand-in on the environment's listener, a server
// per fleet instance, and a controller-style rollout written through the SDK with libs/traffic-state.
// Leaves the deployment as it found it: traffic state idle (blue stable), green scaled to 0, data plane stopped.
const shared = attachSharedDeployment();
const describeIntegration = shared ? describe : describe.skip;

const ALB_PERIOD = 5;
const FLEET_PERIOD = 2;

/** A client that keeps its cookies, as a browser or SDK session would. */
class Client {
  cookie?: string;
  constructor(private readonly agent: Agent) {}
  async complete(url: string, headers: Record<string, string> = {}): Promise<{ status: number; fleet?: string; route?: string }> {
    const response = await request(`${url}/v1/completions`, {
      dispatcher: this.agent,
      method: 'POST',
      body: JSON.stringify({ prompt: 'hello', max_tokens: 4 }),
      headers: { 'content-type': 'application/json', ...headers, ...(this.cookie ? { cookie: this.cookie } : {}) },
    });
    await response.body.dump();
    const setCookie = response.headers['set-cookie'];
    const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
    if (first) this.cookie = first.split(';')[0];
    return { status: response.statusCode, fleet: response.headers['x-canaryfleet-fleet'] as string | undefined, route: response.headers['x-canaryfleet-route'] as string | undefined };
  }
}

describeIntegration('local data plane on the shared deployment', () => {
  const local = shared as LocalEnvironment;
  let outputs: EnvironmentOutputs;
  let headerRules: { canary: string; stable: string } | null;
  let aws: AwsClients;
  let plane: DataPlane;
  const agent = new Agent({ connections: 64 });
  const writer = () => ({ at: new Date(), by: 'data-plane-integration-test' });

  /** The state moved to idle through the transitions a controller would use. */
  const idle = (state: TrafficState): TrafficState => {
    const ended = state.phase === 'canary' ? rollBack(state, writer()) : state;
    return ended.phase === 'idle' ? ended : finish(ended, writer());
  };
  const trafficState = async () => parseTrafficState((await aws.ssm.send(new GetParameterCommand({ Name: outputs.traffic_state_parameter }))).Parameter?.Value ?? '', outputs.traffic_state_parameter);

  /** What the rollout controller does for a traffic move: the document, then the listener's actions. */
  async function applyTrafficState(state: TrafficState): Promise<void> {
    await aws.ssm.send(new PutParameterCommand({ Name: outputs.traffic_state_parameter, Type: 'String', Overwrite: true, Value: serializeTrafficState(state) }));
    // 300 s of stickiness, not local's 10 s: the sticky clients' second requests must fall within it
    // however busy the machine is. The stand-in honours whatever duration the listener carries.
    const policy = { ...outputs.routing_policy, stickinessSeconds: 300 };
    const actions = renderListenerActions(state, { weighted: outputs.target_group_arns, pinned: outputs.pinned_target_group_arns }, policy);
    const sdk = (a: unknown) => JSON.parse(JSON.stringify(a)) as Action[];
    await aws.elbv2.send(new ModifyListenerCommand({ ListenerArn: outputs.traffic_listener_arn, DefaultActions: sdk(actions.defaultActions) }));
    if (headerRules) {
      await aws.elbv2.send(new ModifyRuleCommand({ RuleArn: headerRules.canary, Actions: sdk(actions.canaryHeaderActions) }));
      await aws.elbv2.send(new ModifyRuleCommand({ RuleArn: headerRules.stable, Actions: sdk(actions.stableHeaderActions) }));
    }
  }

  /** A canary release: the stable fleet's release with another model version. */
  const canaryRelease = (state: TrafficState, modelVersion: string) => {
    const stable = state.releases[state.stable];
    if (!stable) throw new Error(`the stable fleet ${state.stable} has no release in revision ${state.revision}`);
    return { ...stable, modelVersion };
  };
  const scale = (colour: FleetColour, desired: number) => aws.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: outputs.asg_names[colour], DesiredCapacity: desired }));
  const servingGreen = () => plane.fleets.servers().filter((s) => s.colour === 'green' && s.loaded && !s.exited && !s.draining);
  const defaultAction = () => plane.alb.listener.rules.at(-1)?.actions[0];

  beforeAll(async () => {
    const raw = await local.ensureDeployed();
    outputs = parseEnvironmentOutputs(raw, 'outputs of the shared local deployment');
    headerRules = (raw.header_rule_arns as { canary: string; stable: string } | null) ?? null;
    aws = awsClients(local.aws.endpoint);
    plane = await startDataPlane({ endpoint: local.aws.endpoint, outputs, albMetricsPeriodSeconds: ALB_PERIOD, fleetMetricsPeriodSeconds: FLEET_PERIOD, modelLoadSeconds: 1 });
    await until(() => new Client(agent).complete(plane.url), (a) => a.status === 200);
  }, 900_000);

  afterAll(async () => {
    if (aws && outputs) {
      await applyTrafficState(idle(await trafficState()));
      await scale('green', 0);
      if (plane) await until(() => plane.fleets.servers().filter((s) => s.colour === 'green'), (s) => s.length === 0);
    }
    await plane?.stop();
    aws?.destroy();
    await agent.close();
  }, 120_000);

  test('local:up seeds an artifact for every catalog version under the model artifact prefix', async () => {
    const keys = await seedModelArtifacts(aws.s3, outputs.release_defaults.modelArtifactUri);
    expect(keys.map((k) => k.split('/').at(-2))).toEqual(['tiny-llm-v1', 'tiny-llm-v2', 'tiny-llm-v2-errors', 'tiny-llm-v2-slow', 'tiny-llm-v2-fails', 'tiny-llm-v2-worse', 'tiny-llm-v2-crash']);
  }, 60_000);

  test('after a switch to a single-group forward, no request reaches the other fleet, sticky clients included', async () => {
    const before = idle(await trafficState());
    let state = startCanary(before, { release: canaryRelease(before, 'tiny-llm-v2'), rolloutId: 'data-plane-test-1' }, writer());
    await applyTrafficState(state);
    await scale('green', 1);
    await until(servingGreen, (s) => s.length === 1);
    state = setCanaryShare(state, 500, writer());
    await applyTrafficState(state);
    await until(defaultAction, (a) => (a?.ForwardConfig?.TargetGroups?.length ?? 0) === 2);
    await until(() => new Client(agent).complete(plane.url), (a) => a.fleet === 'green');

    const clients = Array.from({ length: 60 }, () => new Client(agent));
    const first = await Promise.all(clients.map((c) => c.complete(plane.url)));
    const stickyGreen = clients.filter((_c, i) => first[i].fleet === 'green');
    expect(stickyGreen.length).toBeGreaterThan(0);
    expect((await Promise.all(stickyGreen.map((client) => client.complete(plane.url)))).map((a) => a.fleet)).toEqual(stickyGreen.map(() => 'green'));

    await applyTrafficState(rollBack(state, writer()));
    await until(defaultAction, (a) => a?.TargetGroupArn === outputs.target_group_arns.blue);
    const greenBefore = plane.alb.counters().forwarded.get(outputs.target_group_arns.green) ?? 0;
    const after = await Promise.all([...clients, ...Array.from({ length: 20 }, () => new Client(agent))].flatMap((c) => [c.complete(plane.url), c.complete(plane.url)]));
    expect(after.filter((a) => a.fleet !== 'blue')).toEqual([]);
    expect(plane.alb.counters().forwarded.get(outputs.target_group_arns.green) ?? 0).toBe(greenBefore);
  }, 300_000);

  test('header-pinned requests never appear in the weighted groups metrics; published metrics equal the counted requests per group, fleet and period', async () => {
    let state = idle(await trafficState());
    state = setCanaryShare(startCanary(state, { release: canaryRelease(state, 'tiny-llm-v2'), rolloutId: 'data-plane-test-2' }, writer()), 100, writer());
    await applyTrafficState(state);
    await until(defaultAction, (a) => (a?.ForwardConfig?.TargetGroups?.length ?? 0) === 2);
    await until(servingGreen, (s) => s.length === 1);

    // Start at a boundary of both periods (CloudWatch aligns a query's periods to its start time), so the
    // queried periods hold exactly these requests.
    const aligned = ALB_PERIOD * FLEET_PERIOD * 1000;
    const started = (Math.floor(Date.now() / aligned) + 1) * aligned;
    await new Promise((resolve) => setTimeout(resolve, started - Date.now() + 20));
    const pinnedOnly = Date.now();
    const pinned = await Promise.all(Array.from({ length: 40 }, (_x, i) => new Client(agent).complete(plane.url, { [outputs.routing_policy.header.name]: i % 2 ? outputs.routing_policy.header.canaryValue : 'never' })));
    expect(pinned.every((a) => a.route === 'pinned')).toBe(true);
    expect(pinned.filter((a) => a.fleet === 'green')).toHaveLength(20);
    // Weighted traffic only in later periods: the first period holds header requests alone.
    await new Promise((resolve) => setTimeout(resolve, pinnedOnly + ALB_PERIOD * 1000 - Date.now() + 20));
    const weightedClients = Array.from({ length: 30 }, () => new Client(agent));
    for (let round = 0; round < 5; round += 1) await Promise.all(weightedClients.map((c) => c.complete(plane.url)));
    const lastAt = Date.now();
    await until(() => plane.alb.metrics.lastClosedPeriodStart, (s) => s >= lastAt - ALB_PERIOD * 1000 + 1);
    await until(() => plane.counters().fleetPeriods, (p) => p.some((f) => f.periodStart >= lastAt));
    await until(() => plane.alb.metrics.lastClosedPeriodStart, (s) => s >= lastAt);

    const counters = plane.counters();
    const albPeriods = counters.albPeriods.filter((p) => p.periodStart >= started);
    const groups = { 'weighted-blue': outputs.target_group_arns.blue, 'weighted-green': outputs.target_group_arns.green, 'pinned-blue': outputs.pinned_target_group_arns.blue, 'pinned-green': outputs.pinned_target_group_arns.green };
    const loadBalancer = { Name: ALB_METRICS.dimensions.loadBalancer, Value: plane.alb.listener.loadBalancerArnSuffix };
    const queries: MetricDataQuery[] = Object.entries(groups).map(([id, arn]) => ({
      Id: id.replace('-', '_'),
      MetricStat: { Metric: { Namespace: ALB_METRICS.namespace, MetricName: ALB_METRICS.names.requests, Dimensions: [loadBalancer, { Name: ALB_METRICS.dimensions.targetGroup, Value: arnSuffix(arn) }] }, Period: ALB_PERIOD, Stat: 'Sum' },
    }));
    for (const colour of ['blue', 'green'] as const) {
      for (const route of ['weighted', 'pinned'] as const) {
        queries.push({
          Id: `fleet_${colour}_${route}`,
          MetricStat: {
            Metric: {
              Namespace: FLEET_METRICS.namespace,
              MetricName: FLEET_METRICS.names.requests,
              Dimensions: [
                { Name: FLEET_METRICS.dimensions.environment, Value: 'local' },
                { Name: FLEET_METRICS.dimensions.fleet, Value: colour },
                { Name: FLEET_METRICS.dimensions.route, Value: route },
              ],
            },
            Period: FLEET_PERIOD,
            Stat: 'Sum',
          },
        });
      }
    }
    const result = await aws.cloudWatch.send(new GetMetricDataCommand({ StartTime: new Date(started), EndTime: new Date(Date.now() + 60_000), MetricDataQueries: queries }));
    const series = (id: string) => {
      const r = result.MetricDataResults?.find((m) => m.Id === id);
      return new Map((r?.Timestamps ?? []).map((t, i) => [t.getTime(), r?.Values?.[i] ?? 0]));
    };
    const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

    // Per target group and ALB period: exactly what the stand-in counted.
    for (const [id, arn] of Object.entries(groups)) {
      expect(series(id.replace('-', '_'))).toEqual(new Map(albPeriods.filter((p) => p.targetGroups.has(arn)).map((p) => [p.periodStart, p.targetGroups.get(arn)?.requests])));
    }
    // The first period held only header requests: the weighted groups published nothing for it.
    expect(series('weighted_blue').has(started)).toBe(false);
    expect(series('weighted_green').has(started)).toBe(false);
    expect(sum(series('pinned_blue')) + sum(series('pinned_green'))).toBe(40);
    expect(sum(series('weighted_blue')) + sum(series('weighted_green'))).toBe(150);

    // Per fleet, route and fleet period: exactly what the servers counted; and they saw what ALB forwarded.
    // Servers keep publishing (zeros) after the counters were read: compare the periods the counters know.
    const lastCountedPeriod = Math.max(...counters.fleetPeriods.map((f) => f.periodStart));
    const counted = (id: string) => new Map([...series(id)].filter(([t]) => t <= lastCountedPeriod));
    for (const colour of ['blue', 'green'] as const) {
      for (const route of ['weighted', 'pinned'] as Route[]) {
        const published = new Map<number, number>();
        for (const p of counters.fleetPeriods.filter((f) => f.colour === colour && f.route === route && f.periodStart >= started)) published.set(p.periodStart, (published.get(p.periodStart) ?? 0) + p.counts.requests);
        expect(counted(`fleet_${colour}_${route}`)).toEqual(published);
        expect(sum(series(`fleet_${colour}_${route}`))).toBe(sum(series(`${route}_${colour}`)));
      }
    }
  }, 300_000);
});

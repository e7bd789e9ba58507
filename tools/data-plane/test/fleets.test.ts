import { GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ALB_METRICS, FLEET_METRICS, type Route } from '@canaryfleet/fleet-metrics';
import { finish, rollBack, startCanary, type FleetColour } from '@canaryfleet/traffic-state';
import { requireIntegrationTools, until } from '@canaryfleet/tools';
import { arnSuffix } from '../src/alb/listener-config';
import { startDataPlane, type DataPlane } from '../src/data-plane';
import { FleetFixture, release } from './fleet-fixture';
import { runLoad } from '../src/load/load-generator';
import type { LoadSummary } from '../src/load/load-summary';
import { TestClient } from './test-backends';

// The fleets of the data plane on a plain moto (ASGs, target groups, traffic state created through the
// SDK): one inference-server process per instance, registrations kept in step with them, the model
// catalog's behaviours, and the published metrics against what was counted.
const runs = requireIntegrationTools('data plane fleets');
const describeIntegration = runs ? describe : describe.skip;

const writer = (by: string) => ({ at: new Date(), by });


describeIntegration('data plane fleets (plain moto)', () => {
  let fixture: FleetFixture;
  let plane: DataPlane;
  let client: TestClient;
  const log: string[] = [];

  const registered = async (arn: string) =>
    ((await fixture.elb.aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions ?? []).map((d) => `${d.Target?.Id}:${d.Target?.Port}`);
  const serving = (colour: FleetColour) => plane.fleets.servers().filter((s) => s.colour === colour && s.loaded && !s.exited && !s.draining);
  const completion = (headers: Record<string, string> = {}) => client.send('/v1/completions', { 'content-type': 'application/json', ...headers }, JSON.stringify({ model: 'local', prompt: 'hello', max_tokens: 4 }));

  beforeAll(async () => {
    fixture = await FleetFixture.start();
    plane = await startDataPlane({ endpoint: fixture.elb.moto.endpoint, outputs: fixture.outputs, albMetricsPeriodSeconds: 2, fleetMetricsPeriodSeconds: 2, modelLoadSeconds: 1, log: (line) => log.push(line) });
    client = new TestClient(plane.url);
    await until(() => completion(), (a) => a.status === 200);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await plane?.stop();
    await fixture?.stop();
  });

  test('each ASG instance gets a server; it is registered with its weighted and pinned groups once its model loaded, and labels the route', async () => {
    const [blue] = serving('blue');
    expect(blue.modelVersion).toBe('tiny-llm-v1');
    expect(await registered(fixture.outputs.target_group_arns.blue)).toEqual([`${blue.instanceId}:8080`]);
    expect(await registered(fixture.outputs.pinned_target_group_arns.blue)).toEqual([`${blue.instanceId}:8081`]);
    const weighted = await fetch(`${plane.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'x', prompt: 'hello there', max_tokens: 4 }) });
    expect(weighted.headers.get('x-canaryfleet-route')).toBe('weighted');
    expect(weighted.headers.get('x-canaryfleet-fleet')).toBe('blue');
    const body = (await weighted.json()) as { object: string; model: string; choices: { text: string }[] };
    expect(body).toMatchObject({ object: 'text_completion', model: 'tiny-llm-v1' });
    expect(body.choices[0].text).toBe(' token'.repeat(4));
    const pinned = await fetch(`${plane.url}/v1/completions`, { method: 'POST', headers: { 'X-Canary': 'never' }, body: '{}' });
    expect(pinned.headers.get('x-canaryfleet-route')).toBe('pinned');
  });

  test('a scaled-up canary server reads its release from the traffic state; tiny-llm-v2-fails fails every request', async () => {
    await fixture.writeTrafficState(startCanary(await fixture.trafficState(), { release: release('tiny-llm-v2-fails'), rolloutId: 'fleet-test-1' }, writer('fleet-test')));
    await fixture.scale('green', 1);
    const [green] = await until(() => serving('green'), (s) => s.length === 1);
    expect(green.modelVersion).toBe('tiny-llm-v2-fails');
    await until(() => registered(fixture.outputs.pinned_target_group_arns.green), (r) => r.length === 1);
    await until(() => completion({ 'X-Canary': 'always' }), (a) => a.status !== 503);
    for (let i = 0; i < 10; i += 1) expect((await completion({ 'X-Canary': 'always' })).status).toBe(500);
  });

  test('scale-in deregisters the instance from moto, drains it and stops its server', async () => {
    await fixture.scale('green', 0);
    await until(() => plane.fleets.servers().filter((s) => s.colour === 'green'), (s) => s.length === 0);
    expect(await registered(fixture.outputs.target_group_arns.green)).toEqual([]);
    expect(await registered(fixture.outputs.pinned_target_group_arns.green)).toEqual([]);
    expect((await completion({ 'X-Canary': 'always' })).status).toBe(503);
  });

  test('tiny-llm-v2-crash kills its server on the first request; the target stays registered and refuses connections (502, TargetConnectionErrorCount)', async () => {
    const idle = finish(rollBack(await fixture.trafficState(), writer('fleet-test')), writer('fleet-test'));
    await fixture.writeTrafficState(startCanary(idle, { release: release('tiny-llm-v2-crash'), rolloutId: 'fleet-test-2' }, writer('fleet-test')));
    await fixture.scale('green', 1);
    await until(() => serving('green'), (s) => s.length === 1);
    await until(() => registered(fixture.outputs.pinned_target_group_arns.green), (r) => r.length === 1);
    await until(() => completion({ 'X-Canary': 'always' }), (a) => a.status !== 503);
    await until(() => plane.fleets.servers().filter((s) => s.colour === 'green' && s.exited), (s) => s.length === 1);
    const after = await completion({ 'X-Canary': 'always' });
    expect(after.status).toBe(502);
    expect(await registered(fixture.outputs.pinned_target_group_arns.green)).toHaveLength(1);
    const sentAt = Date.now();
    const group = fixture.outputs.pinned_target_group_arns.green;
    const period = await until(() => plane.counters().albPeriods.find((p) => p.periodStart + 2_000 > sentAt && p.targetGroups.has(group)), (p) => p !== undefined);
    expect(period?.targetGroups.get(group)?.targetConnectionErrors).toBeGreaterThanOrEqual(1);
    await fixture.scale('green', 0);
    await fixture.writeTrafficState(finish(rollBack(await fixture.trafficState(), writer('fleet-test')), writer('fleet-test')));
    await until(() => plane.fleets.servers().filter((s) => s.colour === 'green'), (s) => s.length === 0);
  });

  test('fleet metrics published to CloudWatch equal what the servers counted, per fleet, route and period, and match the ALB count', async () => {
    // Start at a period boundary, so the periods queried hold exactly this test's requests.
    const started = (Math.floor(Date.now() / 2_000) + 1) * 2_000;
    await new Promise((resolve) => setTimeout(resolve, started - Date.now() + 20));
    for (let i = 0; i < 60; i += 1) {
      await completion();
      if (i % 3 === 0) await completion({ 'X-Canary': 'never' });
    }
    const lastAt = Date.now();
    await until(() => plane.counters(), (c) => c.fleetPeriods.some((p) => p.periodStart >= lastAt) && plane.alb.metrics.lastClosedPeriodStart >= lastAt);
    const counters = plane.counters();
    const dimensions = (route: Route): { Name: string; Value: string }[] => [
      { Name: FLEET_METRICS.dimensions.environment, Value: 'fixture' },
      { Name: FLEET_METRICS.dimensions.fleet, Value: 'blue' },
      { Name: FLEET_METRICS.dimensions.route, Value: route },
    ];
    const queries: MetricDataQuery[] = (['weighted', 'pinned'] as const).flatMap((route) => [
      { Id: `${route}requests`, MetricStat: { Metric: { Namespace: FLEET_METRICS.namespace, MetricName: FLEET_METRICS.names.requests, Dimensions: dimensions(route) }, Period: 2, Stat: 'Sum' } },
      { Id: `${route}quality`, MetricStat: { Metric: { Namespace: FLEET_METRICS.namespace, MetricName: FLEET_METRICS.names.qualityScoreCount, Dimensions: dimensions(route) }, Period: 2, Stat: 'Sum' } },
    ]);
    queries.push({
      Id: 'albweighted',
      MetricStat: {
        Metric: {
          Namespace: ALB_METRICS.namespace,
          MetricName: ALB_METRICS.names.requests,
          Dimensions: [
            { Name: ALB_METRICS.dimensions.loadBalancer, Value: arnSuffix(plane.alb.listener.loadBalancerArn) },
            { Name: ALB_METRICS.dimensions.targetGroup, Value: arnSuffix(fixture.outputs.target_group_arns.blue) },
          ],
        },
        Period: 2,
        Stat: 'Sum',
      },
    });
    const result = await fixture.elb.aws.cloudWatch.send(new GetMetricDataCommand({ StartTime: new Date(started), EndTime: new Date(Date.now() + 4_000), MetricDataQueries: queries }));
    const series = (id: string) => {
      const r = result.MetricDataResults?.find((m) => m.Id === id);
      return new Map((r?.Timestamps ?? []).map((t, i) => [t.getTime(), r?.Values?.[i] ?? 0]));
    };
    const inWindow = (start: number) => start >= started;
    for (const route of ['weighted', 'pinned'] as const) {
      const published = new Map<number, { requests: number; quality: number }>();
      for (const p of counters.fleetPeriods.filter((f) => f.colour === 'blue' && f.route === route && inWindow(f.periodStart))) {
        const sum = published.get(p.periodStart) ?? { requests: 0, quality: 0 };
        published.set(p.periodStart, { requests: sum.requests + p.counts.requests, quality: sum.quality + p.counts.qualityScoreCount });
      }
      expect(series(`${route}requests`)).toEqual(new Map([...published].map(([start, c]) => [start, c.requests])));
      expect(series(`${route}quality`)).toEqual(new Map([...published].map(([start, c]) => [start, c.quality])));
    }
    const total = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    expect(total(series('weightedrequests'))).toBe(60);
    expect(total(series('pinnedrequests'))).toBe(20);
    expect(total(series('albweighted'))).toBe(60);
  });

  test('client load: bounded by count, a share of clients pinned by the header, a live summary per fleet, model version and route', async () => {
    const summaries: LoadSummary[] = [];
    const summary = await runLoad({ url: plane.url, clients: 20, requestsPerSecond: 400, durationSeconds: 60, maxRequests: 300, headerShare: 0.25, header: { name: 'X-Canary', values: ['never'] }, summaryEverySeconds: 0.2, onSummary: (s) => summaries.push(s) });
    expect(summary.requests).toBe(300);
    expect(summaries.length).toBeGreaterThan(0);
    const routes = new Map(summary.rows.map((r) => [`${r.fleet}/${r.modelVersion}/${r.route}`, r.requests]));
    expect([...routes.keys()].sort()).toEqual(['blue/tiny-llm-v1/pinned', 'blue/tiny-llm-v1/weighted']);
  });
});


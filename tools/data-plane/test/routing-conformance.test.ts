import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ALB_METRICS } from '@canaryfleet/fleet-metrics';
import { requireIntegrationTools, until } from '@canaryfleet/tools';
import { AlbStandIn } from '../src/alb/alb-stand-in';
import { arnSuffix } from '../src/alb/listener-config';
import { ElbFixture, fixed, forward, weighted } from './elb-fixture';
import { TestBackends, TestClient } from './test-backends';

// Routing conformance of the ALB stand-in against listeners created through the ELBv2 API on a plain
// moto (no terraform), with plain HTTP servers on loopback as targets. docs/local-aws.md lists each
// behaviour with the AWS documentation it follows.
const runs = requireIntegrationTools('data plane routing conformance');
const describeIntegration = runs ? describe : describe.skip;

/**
 * Chi-square statistic of observed counts against expected shares. The split tests use significance
 * 1e-6: with 1 degree of freedom (two groups) the critical value is 23.928, so a correct stand-in fails
 * a split test about once in a million runs.
 */
function chiSquare(observed: readonly number[], shares: readonly number[]): number {
  const total = observed.reduce((a, b) => a + b, 0);
  return observed.reduce((sum, o, i) => sum + (o - total * shares[i]) ** 2 / (total * shares[i]), 0);
}
const CHI_SQUARE_CRITICAL_1E6_DF1 = 23.928;

async function tally(client: TestClient, requests: number, concurrency = 32): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next += 1;
        const answer = await client.send('/v1/completions');
        const key = answer.backend ?? String(answer.status);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }),
  );
  return counts;
}


describeIntegration('ALB stand-in routing conformance (plain moto)', () => {
  let elb: ElbFixture;
  const backends = new TestBackends();
  let alb: AlbStandIn;
  let listenerArn: string;
  let blue: string;
  let green: string;
  let client: TestClient;

  beforeAll(async () => {
    elb = await ElbFixture.start();
    await backends.add('i-00000000000000b01');
    await backends.add('i-00000000000000g01');
    blue = await elb.targetGroup(['i-00000000000000b01']);
    green = await elb.targetGroup(['i-00000000000000g01']);
    listenerArn = await elb.listener([forward(blue)]);
    // Created out of priority order: evaluation follows priority, not creation.
    await elb.rule(listenerArn, 20, [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['*'] } }], [fixed(418, 'some other X-Canary value')]);
    await elb.rule(listenerArn, 10, [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['alw?ys'] } }], [forward(green)]);
    await elb.rule(listenerArn, 5, [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/admin/*'] } }], [fixed(403, 'admin is closed')]);
    await elb.rule(
      listenerArn,
      1,
      [
        { Field: 'source-ip', SourceIpConfig: { Values: ['127.0.0.2/32'] } },
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['never'] } },
      ],
      [fixed(200, 'pinned to stable from an allowed source')],
    );
    alb = await AlbStandIn.start({ elbv2: elb.aws.elbv2, cloudWatch: elb.aws.cloudWatch, listenerArn, resolveTarget: backends.resolve, metricsPeriodSeconds: 2 });
    client = new TestClient(alb.url);
    await until(() => client.send(), (a) => a.backend === 'i-00000000000000b01');
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await alb?.stop();
    await backends.stop();
    await elb?.stop();
  });

  test('rules apply in priority order; header values match case-insensitively with wildcards, any occurrence of a header counts', async () => {
    expect((await client.send('/', { 'x-canary': 'ALWAYS' })).backend).toBe('i-00000000000000g01');
    expect((await client.send('/', { 'X-Canary': 'alwoys' })).backend).toBe('i-00000000000000g01');
    expect((await client.send('/', { 'X-Canary': 'alwaays' })).status).toBe(418);
    expect((await client.send('/', { 'X-Canary': ['nope', 'always'] })).backend).toBe('i-00000000000000g01');
    // Priority 5 (path) wins over priority 10 (header) when both match.
    expect((await client.send('/admin/users', { 'X-Canary': 'always' })).status).toBe(403);
    // Paths match case-sensitively.
    expect((await client.send('/ADMIN/users')).backend).toBe('i-00000000000000b01');
    expect((await client.send('/')).backend).toBe('i-00000000000000b01');
  });

  test('fixed responses carry the configured status, content type and body', async () => {
    const answer = await client.send('/admin/x');
    expect(answer).toMatchObject({ status: 403, body: 'admin is closed', backend: undefined });
    expect(answer.contentType).toMatch(/^text\/plain/);
  });

  test('source-ip conditions match the connection address (not X-Forwarded-For); every condition of a rule must hold', async () => {
    const allowed = new TestClient(alb.url, { localAddress: '127.0.0.2' });
    try {
      expect((await allowed.send('/', { 'X-Canary': 'never' })).body).toBe('pinned to stable from an allowed source');
      expect((await allowed.send('/')).backend).toBe('i-00000000000000b01');
    } finally {
      await allowed.close();
    }
    const other = await client.send('/', { 'X-Canary': 'never', 'X-Forwarded-For': '127.0.0.2' });
    expect(other.status).toBe(418);
  });

  test('forwarded requests carry X-Forwarded-For with the client address', async () => {
    const response = await fetch(`${alb.url}/`);
    expect(response.headers.get('x-forwarded-for-seen')).toBe('127.0.0.1');
  });

  test.each([
    [999, 1],
    [950, 50],
    [500, 500],
  ])('weighted forward %i/%i splits requests within the chi-square bound (significance 1e-6)', async (blueWeight, greenWeight) => {
    await elb.setDefaultActions(listenerArn, [weighted([[blue, blueWeight], [green, greenWeight]])]);
    // The stand-in follows the listener by itself (it reads it again every 500 ms).
    await until(() => alb.listener.rules.at(-1)?.actions[0].ForwardConfig?.TargetGroups?.map((g) => g.Weight).join('/'), (w) => w === `${blueWeight}/${greenWeight}`);
    // At least 20 expected requests on the smaller side keeps the chi-square approximation sound.
    const requests = Math.max(2000, Math.ceil((20 * 1000) / Math.min(blueWeight, greenWeight)));
    const counts = await tally(client, requests);
    const observed = [counts.get('i-00000000000000b01') ?? 0, counts.get('i-00000000000000g01') ?? 0];
    expect(observed[0] + observed[1]).toBe(requests);
    expect(chiSquare(observed, [blueWeight / 1000, greenWeight / 1000])).toBeLessThan(CHI_SQUARE_CRITICAL_1E6_DF1);
  }, 300_000);

  test('group stickiness holds a client on its group for the duration, even at weight 0, then lets it go', async () => {
    // Long enough for the requests below on a busy 2-core machine, short enough to wait out.
    const duration = 6;
    await elb.setDefaultActions(listenerArn, [weighted([[blue, 500], [green, 500]], duration)]);
    await alb.refresh();
    const sticky = new TestClient(alb.url);
    try {
      const first = await sticky.send();
      const boundAt = Date.now();
      expect(first.setCookie).toMatch(/^AWSALBTG=/);
      const bound = first.backend as string;
      const boundGroup = bound === 'i-00000000000000b01' ? blue : green;
      const otherGroup = boundGroup === blue ? green : blue;
      // Weight 0 for the bound group: a sticky client stays on it until the duration ends.
      await elb.setDefaultActions(listenerArn, [weighted([[boundGroup, 0], [otherGroup, 999]], duration)]);
      await alb.refresh();
      for (let i = 0; i < 10; i += 1) expect((await sticky.send()).backend).toBe(bound);
      const fresh = new TestClient(alb.url);
      expect((await fresh.send()).backend).not.toBe(bound);
      await fresh.close();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, boundAt + duration * 1000 + 200 - Date.now())));
      expect((await sticky.send()).backend).not.toBe(bound);
    } finally {
      await sticky.close();
    }
  });

  test('a single-group forward ignores a sticky cookie and sets none', async () => {
    await elb.setDefaultActions(listenerArn, [weighted([[blue, 1], [green, 999]], 600)]);
    await alb.refresh();
    const sticky = new TestClient(alb.url);
    try {
      let answer = await sticky.send();
      while (answer.backend !== 'i-00000000000000g01') {
        sticky.forgetCookies();
        answer = await sticky.send();
      }
      await elb.setDefaultActions(listenerArn, [forward(blue)]);
      await alb.refresh();
      for (let i = 0; i < 20; i += 1) {
        const next = await sticky.send();
        expect(next.backend).toBe('i-00000000000000b01');
        expect(next.setCookie).toBeUndefined();
      }
    } finally {
      await sticky.close();
    }
  });

  test('a group with no registered target answers 503; a target that refuses the connection, 502', async () => {
    const empty = await elb.targetGroup([]);
    await backends.addRefusing('i-000000000000dead1');
    const refusing = await elb.targetGroup(['i-000000000000dead1']);
    await elb.setDefaultActions(listenerArn, [forward(empty)]);
    await alb.refresh();
    const none = await client.send();
    expect(none.status).toBe(503);
    expect(none.body).toContain('503 Service Temporarily Unavailable');
    await elb.setDefaultActions(listenerArn, [forward(refusing)]);
    await alb.refresh();
    const refused = await client.send();
    expect(refused.status).toBe(502);
    expect(refused.body).toContain('502 Bad Gateway');
  });

  test('unhealthy targets get no requests while a healthy one exists; with none healthy the group fails open', async () => {
    await backends.add('i-0000000000000a001');
    await backends.add('i-0000000000000a002');
    const group = await elb.targetGroup(['i-0000000000000a001', 'i-0000000000000a002']);
    await elb.setDefaultActions(listenerArn, [forward(group)]);
    await alb.refresh();
    backends.setHealth('i-0000000000000a002', 503);
    await until(() => alb.targetState(group, { id: 'i-0000000000000a002', port: 8080 }), (s) => s === 'unhealthy');
    const mostlyHealthy = await tally(client, 200);
    expect([...mostlyHealthy.keys()]).toEqual(['i-0000000000000a001']);
    backends.setHealth('i-0000000000000a001', 500);
    await until(() => alb.targetState(group, { id: 'i-0000000000000a001', port: 8080 }), (s) => s === 'unhealthy');
    const failOpen = await tally(client, 200);
    expect([...failOpen.keys()].sort()).toEqual(['i-0000000000000a001', 'i-0000000000000a002']);
  }, 60_000);

  test('published ALB metrics equal what the stand-in counted, per target group and per period', async () => {
    await elb.setDefaultActions(listenerArn, [weighted([[blue, 700], [green, 300]])]);
    await alb.refresh();
    await tally(client, 600, 8);
    // Wait until the last period with requests has been published.
    const lastRequestAt = Date.now();
    await until(() => alb.metrics.lastClosedPeriodStart, (start) => start + 2_000 > lastRequestAt);
    const periods = alb.metrics.published.filter((p) => p.targetGroups.size > 0);
    const { names, dimensions, namespace } = ALB_METRICS;
    const query = (id: string, metric: string, groupArn: string | undefined, stat: string) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: namespace,
          MetricName: metric,
          Dimensions: [{ Name: dimensions.loadBalancer, Value: arnSuffix(elb.loadBalancerArn) }, ...(groupArn ? [{ Name: dimensions.targetGroup, Value: arnSuffix(groupArn) }] : [])],
        },
        Period: 2,
        Stat: stat,
      },
    });
    const result = await elb.aws.cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(periods[0].periodStart - 60_000),
        EndTime: new Date(Date.now() + 60_000),
        MetricDataQueries: [
          query('blue', names.requests, blue, 'Sum'),
          query('green', names.requests, green, 'Sum'),
          query('bluetime', names.targetResponseTime, blue, 'SampleCount'),
          query('lb', names.requests, undefined, 'Sum'),
        ],
      }),
    );
    const series = (id: string) => {
      const r = result.MetricDataResults?.find((m) => m.Id === id);
      return new Map((r?.Timestamps ?? []).map((t, i) => [t.getTime(), r?.Values?.[i] ?? 0]));
    };
    const counted = (arn: string) => new Map(alb.metrics.published.filter((p) => p.targetGroups.has(arn)).map((p) => [p.periodStart, p.targetGroups.get(arn)?.requests ?? 0]));
    expect(series('blue')).toEqual(counted(blue));
    expect(series('green')).toEqual(counted(green));
    expect(series('bluetime')).toEqual(new Map(alb.metrics.published.filter((p) => p.targetGroups.has(blue)).map((p) => [p.periodStart, p.targetGroups.get(blue)?.responseTime.count ?? 0])));
    expect(series('lb')).toEqual(new Map(alb.metrics.published.filter((p) => p.requests > 0).map((p) => [p.periodStart, p.requests])));
  });
});

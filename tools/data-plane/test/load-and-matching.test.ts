import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { conditionMatches, wildcardMatches, type RequestFacts } from '../src/alb/rule-conditions';
import { matcherAccepts } from '../src/alb/target-health';
import { clientRates, runLoad } from '../src/load/load-generator';
import { formatLoadSummary, LoadRecorder } from '../src/load/load-summary';

const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({ method: 'GET', path: '/', headers: {}, sourceIp: '127.0.0.1', ...over });

describe('ALB value matching', () => {
  test.each([
    ['alw?ys', 'ALWAYS', true],
    ['alw?ys', 'alwys', false],
    ['*', '', true],
    ['a*c', 'abbbc', true],
    ['a.c', 'abc', false],
    ['(x)', '(x)', true],
  ])('%s against %s: %s', (pattern, value, expected) => {
    expect(wildcardMatches(pattern, value, true)).toBe(expected);
  });

  test('source-ip takes IPv4 and IPv6 CIDRs and IPv4-mapped addresses', () => {
    const condition = { Field: 'source-ip', SourceIpConfig: { Values: ['127.0.0.0/8', '::1/128'] } };
    expect(conditionMatches(condition, facts({ sourceIp: '::ffff:127.0.0.9' }))).toBe(true);
    expect(conditionMatches(condition, facts({ sourceIp: '::1' }))).toBe(true);
    expect(conditionMatches(condition, facts({ sourceIp: '10.0.0.1' }))).toBe(false);
  });

  test('a condition the stand-in does not emulate is an error naming it', () => {
    expect(() => conditionMatches({ Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'a', Value: 'b' }] } }, facts())).toThrow(
      'listener rule condition "query-string" is not emulated by the local ALB stand-in (docs/local-aws.md)',
    );
  });

  test.each([
    ['200', 200, true],
    ['200', 204, false],
    ['200-299', 204, true],
    ['200,302', 302, true],
    ['200,302', 301, false],
  ])('health matcher %s accepts %i: %s', (matcher, status, expected) => {
    expect(matcherAccepts(matcher, status)).toBe(expected);
  });
});

describe('client load', () => {
  test('per-client rates add up to the total and are heavy-tailed', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const rates = clientRates(1000, 500, 1.5, random).sort((a, b) => b - a);
    expect(rates.reduce((a, b) => a + b, 0)).toBeCloseTo(500, 6);
    // The busiest 10 % of clients send far more than 10 % of the requests.
    expect(rates.slice(0, 100).reduce((a, b) => a + b, 0) / 500).toBeGreaterThan(0.3);
  });

  test('load only ever targets loopback', async () => {
    await expect(runLoad({ url: 'http://10.0.0.1:80', durationSeconds: 1 })).rejects.toThrow('url = "http://10.0.0.1:80": must be an http URL on loopback (127.0.0.0/8, ::1 or localhost); load never leaves this machine');
    await expect(runLoad({ url: 'http://127.0.0.1:1', durationSeconds: 1, headerShare: 2 })).rejects.toThrow('headerShare = 2: must be a share from 0 to 1');
  });

  test('an abort signal ends a run before its duration: load that lasts as long as a rollout', async () => {
    const server = createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const controller = new AbortController();
    const summaries: number[] = [];
    const run = runLoad({ url: `http://127.0.0.1:${port}`, clients: 4, requestsPerSecond: 200, durationSeconds: 3600, headerShare: 0, signal: controller.signal, summaryEverySeconds: 0.1, onSummary: (s) => {
      summaries.push(s.requests);
      if (s.requests >= 20) controller.abort();
    } });
    const summary = await run;
    server.close();
    expect(summary.requests).toBeGreaterThanOrEqual(20);
    // Clients stop at their next request once aborted: at most one more request each.
    expect(summary.requests).toBeLessThanOrEqual((summaries.at(-1) ?? 0) + 4);
  }, 60_000);

  test('the summary counts errors and percentiles per fleet, model version and route', () => {
    const recorder = new LoadRecorder();
    for (let i = 1; i <= 100; i += 1) recorder.record(200, { fleet: 'blue', modelVersion: 'tiny-llm-v1', route: 'weighted' }, i);
    recorder.record(500, { fleet: 'green', modelVersion: 'tiny-llm-v2-fails', route: 'pinned' }, 3);
    recorder.record(undefined, {}, 7);
    const summary = recorder.summary();
    expect(summary).toMatchObject({ requests: 102, errors: 2, statuses: { '200': 100, '500': 1, 'no response': 1 } });
    expect(summary.rows[0]).toMatchObject({ fleet: 'blue', requests: 100, errors: 0, p50Ms: 50, p99Ms: 99 });
    expect(formatLoadSummary(summary)).toContain('tiny-llm-v2-fails');
  });
});

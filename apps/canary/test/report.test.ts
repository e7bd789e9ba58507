import { CanaryJudge, DEFAULT_LIMITS, initialRecord, intervalObservation, type JudgedInterval, type RolloutEvent, type RolloutSpec } from '@canaryfleet/rollout';
import { reportHtml } from '../src/report/report-html';

const spec: RolloutSpec = {
  rolloutId: 'r-report',
  environment: 'dev',
  release: { modelVersion: 'tiny-llm-v2', serverImage: 'registry.example/llm-server:1.0.0', amiId: 'ami-0123456789abcdef0' },
  canary: 'green',
  schedule: { steps: [{ canaryPerMille: 500, minBakeSeconds: 60 }], intervalSeconds: 60 },
  limits: { ...DEFAULT_LIMITS, drainSeconds: 30 },
  metricSources: { fleet: true, albSlowThresholdSeconds: null },
  routing: { targets: { weighted: { blue: 'tg-b', green: 'tg-g' }, pinned: { blue: 'tp-b', green: 'tp-g' } }, policy: { environment: 'dev', stickinessSeconds: 300, header: { name: 'X-Canary', canaryValue: 'always' } } },
  maxCapacity: 4,
  minCapacity: 1,
  alarms: { blue: {}, green: {} },
  warmupAlarmKinds: [],
  startedBy: 'alice <script>',
  startedAt: '2026-11-29T12:00:00Z',
};

function intervals(): JudgedInterval[] {
  const judge = new CanaryJudge(spec.metricSources, 60, spec.routing.policy.stickinessSeconds);
  return [1, 2, 3].map((i) => {
    const side = (quality: number) => ({ alb: { requests: 1000, errors: 5, slow: 0 }, fleet: { requests: 1000, errors: 5, slow: 10, qualitySum: quality, qualityCount: 1000 } });
    const counts = { canary: side(700), baseline: side(900) };
    const observation = intervalObservation(i * 60, counts, spec.metricSources);
    return { start: 1795953600 + (i - 1) * 60, end: 1795953600 + i * 60, canaryPerMille: 500, counts, observation, decision: judge.observe(observation) };
  });
}

describe('canary report', () => {
  test('one offline HTML file: every chart as inline SVG, the decision, the evidence, the events; text is escaped', () => {
    const events: RolloutEvent[] = [{ at: '2026-11-29T12:00:00Z', rolloutId: 'r-report', reason: 'RolloutStarted', severity: 'info', message: 'started by <b>alice</b>', step: -1, canaryPerMille: 0, notify: true }];
    const html = reportHtml({ spec, record: { ...initialRecord('r-report'), outcome: { kind: 'rolled-back', cause: 'JudgeRollback', message: 'quality worse', at: '2026-11-29T12:03:00Z', by: 'canary-operator' } }, intervals: intervals(), events });
    const titles = [...html.matchAll(/<text[^>]*>([^<]*(?:per interval|share of|Evidence)[^<]*)<\/text>/g)].map((m) => m[1]);
    expect(titles).toEqual([
      'Canary share of weighted traffic',
      'Error rate per interval (target 5XX + connection errors / requests, weighted groups)',
      'Slow requests per interval (latency above the threshold)',
      'Output quality per interval (mean score)',
      'Evidence: errors (e-values; a line crossing its threshold decides)',
      'Evidence: slow-requests (e-values; a line crossing its threshold decides)',
      'Evidence: quality (e-values; a line crossing its threshold decides)',
    ]);
    expect(html).toContain('Rolled back at 2026-11-29T12:03:00Z by canary-operator (JudgeRollback): quality worse');
    expect(html).toContain('started by &lt;b&gt;alice&lt;/b&gt;');
    expect(html).toContain('alice &lt;script&gt;');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });
});

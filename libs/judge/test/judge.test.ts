import { type Decision, Judge, JudgeInputError, type JudgeConfig, type IntervalObservation } from '../src/index';

const ERRORS_AND_LATENCY: JudgeConfig = {
  alpha: 0.01,
  minCanaryRequests: 500,
  staleAfterIntervals: 3,
  metrics: [
    { name: 'errors', kind: 'count', weight: 3 },
    { name: 'latency', kind: 'count' },
  ],
};

function interval(t: number, canaryBad: number, baselineBad: number, slow = { canary: 0, baseline: 9 }): IntervalObservation {
  return {
    t,
    metrics: {
      errors: { canary: { requests: 50, bad: canaryBad }, baseline: { requests: 950, bad: baselineBad } },
      latency: { canary: { requests: 50, bad: slow.canary }, baseline: { requests: 950, bad: slow.baseline } },
    },
  };
}

describe('Judge', () => {
  it('splits the budget and rolls back on the metric with the evidence, explaining why', () => {
    const judge = new Judge(ERRORS_AND_LATENCY);
    let decision: Decision | undefined;
    for (let i = 1; i <= 30 && decision?.decision !== 'rollback'; i++) decision = judge.observe(interval(i * 10, 5, 5));
    const d = decision as Decision;
    expect(d.decision).toBe('rollback');
    expect(d.metric).toBe('errors');
    const errors = d.metrics.find((m) => m.metric === 'errors');
    if (errors?.kind !== 'count') throw new Error('errors must be a count metric');
    expect(errors.alpha).toBeCloseTo(0.0075, 12);
    expect(errors.rollbackThreshold).toBeCloseTo(1 / 0.0075, 9);
    expect(errors.rollbackEvidence).toBeGreaterThanOrEqual(errors.rollbackThreshold);
    expect(errors.oddsRatio.lower).toBeGreaterThan(1);
    expect(errors.oddsRatio.oddsRatio).toBeGreaterThan(errors.oddsRatio.lower);
    expect(errors.canary.bad).toBe(errors.canary.requests / 10);
    expect(d.metrics.find((m) => m.metric === 'latency')?.alpha).toBeCloseTo(0.0025, 12);
    expect(d.reason).toMatch(/^errors: canary worse than baseline \(odds ratio [\d.]+ \[[\d.]+, (inf|[\d.e+]+)\], canary \d+\/\d+ vs baseline \d+\/\d+\); evidence [\d.e+]+ >= 1\/alpha = 133.333$/);
  });

  it('continues with "not enough evidence yet" and then promotes a healthy canary once every gate passes', () => {
    const judge = new Judge(ERRORS_AND_LATENCY);
    const first = judge.observe(interval(10, 0, 19));
    expect(first.decision).toBe('continue');
    expect(first.reason).toContain('not enough evidence yet');
    expect(first.reason).toContain('50 of 500 canary requests');
    let last = first;
    for (let i = 2; i <= 400 && last.decision === 'continue'; i++) last = judge.observe(interval(i * 10, i % 2, 19));
    expect(last.decision).toBe('promote');
    expect(last.canaryRequests).toBeGreaterThanOrEqual(500);
    for (const m of last.metrics) expect(m.promotionEvidence).toBeGreaterThanOrEqual(m.promotionThreshold);
    expect(last.reason).toMatch(/^every gate shows non-inferiority \(errors: odds ratio .*; latency: odds ratio .*\) after \d+ canary requests$/);
  });

  it('treats requests without an error datapoint as zero errors, and an interval without data as no change', () => {
    const withZeros = new Judge({ metrics: [{ name: 'errors', kind: 'count' }] });
    const implicit = new Judge({ metrics: [{ name: 'errors', kind: 'count' }] });
    const explicit = withZeros.observe({ t: 10, metrics: { errors: { canary: { requests: 50, bad: 0 }, baseline: { requests: 950, bad: 8 } } } });
    const a = implicit.observe({ t: 10, metrics: { errors: { canary: { requests: 50 }, baseline: { requests: 950, bad: 8 } } } });
    expect(a.metrics).toEqual(explicit.metrics);
    expect(a.metrics[0].rollbackEvidence).toBeLessThan(1);

    const before = implicit.observe({ t: 20, metrics: {} });
    expect(before.metrics[0].rollbackEvidence).toBe(a.metrics[0].rollbackEvidence);
    expect(before.metrics[0].missingStreak).toBe(1);
    const empty = implicit.observe({ t: 30, metrics: { errors: { canary: { requests: 0 }, baseline: { requests: 0 } } } });
    expect(empty.metrics[0].missingStreak).toBe(2);
    expect(empty.metrics[0].rollbackEvidence).toBe(a.metrics[0].rollbackEvidence);
  });

  it('reports stale metrics after N missing intervals and never promotes on missing data', () => {
    const judge = new Judge({ minCanaryRequests: 0, staleAfterIntervals: 2, metrics: [{ name: 'errors', kind: 'count' }, { name: 'quality', kind: 'score', weight: 1 }] });
    let d: Decision | undefined;
    // Errors look perfect and plentiful, quality never arrives: promotion must wait, and the operator is told.
    for (let i = 1; i <= 200; i++) d = judge.observe({ t: i, metrics: { errors: { canary: { requests: 1000, bad: 10 }, baseline: { requests: 1000, bad: 10 } } } });
    const last = d as Decision;
    expect(last.decision).toBe('continue');
    expect(last.stale).toBe(true);
    expect(last.staleMetrics).toEqual(['quality']);
    expect(last.reason).toContain('quality is stale (200 intervals without data)');
    const fresh = judge.observe({ t: 201, metrics: { quality: { canary: { count: 10, sum: 9 }, baseline: { count: 10, sum: 9 } } } });
    expect(fresh.staleMetrics).toEqual([]);
    expect(fresh.metrics[0].missingStreak).toBe(1);
  });

  it('judges quality scores as a promotion gate and as a rollback metric', () => {
    const judge = new Judge({ minCanaryRequests: 0, metrics: [{ name: 'quality', kind: 'score', margin: 0.05 }] });
    let d: Decision | undefined;
    for (let i = 1; i <= 100 && d?.decision !== 'rollback'; i++) d = judge.observe({ t: i, metrics: { quality: { canary: { count: 40, sum: 20 }, baseline: { count: 400, sum: 320 } } } });
    expect(d?.decision).toBe('rollback');
    const q = d?.metrics[0];
    if (q?.kind !== 'score') throw new Error('quality must be a score metric');
    expect(q.difference.estimate).toBeCloseTo(-0.3, 12);
    expect(q.difference.upper).toBeLessThan(0);
    expect(d?.reason).toContain('quality: canary worse than baseline (mean difference -0.3');
  });

  it('rejects invalid configuration naming the field, the value and what is allowed', () => {
    const bad: Array<[Partial<JudgeConfig> & { metrics?: unknown }, string]> = [
      [{ metrics: [] }, 'metrics: got []; must list at least one metric'],
      [{ alpha: 0.7, metrics: [{ name: 'errors', kind: 'count' }] }, 'alpha: got 0.7; must be a number in (0, 0.5)'],
      [{ promotionAlpha: 0, metrics: [{ name: 'errors', kind: 'count' }] }, 'promotionAlpha: got 0; must be a number in (0, 0.5)'],
      [{ margin: 1, metrics: [{ name: 'errors', kind: 'count' }] }, 'margin: got 1; must be an odds ratio in [1.05, 10]'],
      [{ minCanaryRequests: -1, metrics: [{ name: 'errors', kind: 'count' }] }, 'minCanaryRequests: got -1; must be an integer >= 0'],
      [{ staleAfterIntervals: 0, metrics: [{ name: 'errors', kind: 'count' }] }, 'staleAfterIntervals: got 0; must be an integer >= 1'],
      [{ metrics: [{ name: '1x', kind: 'count' }] }, 'metrics[0].name: got "1x"; must be 1-64 characters'],
      [{ metrics: [{ name: 'e', kind: 'count' }, { name: 'e', kind: 'score' }] }, 'metrics[1].name: got "e"; must be unique'],
      [{ metrics: [{ name: 'e', kind: 'gauge' as 'count' }] }, 'metrics[0].kind: got "gauge"; must be "count" or "score"'],
      [{ metrics: [{ name: 'e', kind: 'count', weight: -2 }] }, 'metrics[0].weight: got -2; must be a finite number > 0'],
      [{ metrics: [{ name: 'e', kind: 'count', margin: 20 }] }, 'metrics[0].margin: got 20; must be an odds ratio in [1.05, 10]'],
      [{ metrics: [{ name: 'q', kind: 'score', margin: 0.6 }] }, 'metrics[0].margin: got 0.6; must be a mean difference in (0, 0.5]'],
    ];
    for (const [config, message] of bad) {
      expect(() => new Judge(config as JudgeConfig)).toThrow(JudgeInputError);
      expect(() => new Judge(config as JudgeConfig)).toThrow(message);
    }
  });

  it('rejects invalid intervals naming the field, the value and what is allowed', () => {
    const judge = new Judge({ metrics: [{ name: 'errors', kind: 'count' }, { name: 'quality', kind: 'score' }] });
    judge.observe({ t: 10, metrics: {} });
    const counts = (canary: unknown, baseline: unknown = { requests: 1 }): IntervalObservation => ({ t: 20, metrics: { errors: { canary, baseline } as never } });
    const bad: Array<[unknown, string]> = [
      [null, '(interval): got null; must be an object'],
      [{ t: -1, metrics: {} }, 't: got -1; must be a finite number of seconds >= 0'],
      [{ t: 10, metrics: {} }, "t: got 10; must be greater than the previous interval's t (10)"],
      [{ t: 20 }, 'metrics: got nothing; must be an object keyed by metric name'],
      [{ t: 20, metrics: { cpu: {} } }, 'metrics.cpu: got "cpu"; is not a configured metric (configured: errors, quality)'],
      [counts(undefined), 'metrics.errors.canary: got nothing; must be an object'],
      [counts({ requests: -5 }), 'metrics.errors.canary.requests: got -5; must be an integer >= 0'],
      [counts({ requests: 2.5 }), 'metrics.errors.canary.requests: got 2.5; must be an integer >= 0'],
      [counts({ requests: 5, bad: -1 }), 'metrics.errors.canary.bad: got -1; must be an integer >= 0'],
      [counts({ requests: 5, bad: 7 }), 'metrics.errors.canary.bad: got 7; must not exceed metrics.errors.canary.requests (5)'],
      [counts({ requests: 5 }, { requests: 'many' }), 'metrics.errors.baseline.requests: got "many"; must be an integer >= 0'],
      [{ t: 20, metrics: { quality: { canary: { count: 2, sum: 3 }, baseline: { count: 1, sum: 1 } } } }, 'metrics.quality.canary.sum: got 3; must be a number in [0, metrics.quality.canary.count (2)]: scores are in [0, 1]'],
      [{ t: 20, metrics: { quality: { canary: { count: 2, sum: 1 }, baseline: { count: -1, sum: 0 } } } }, 'metrics.quality.baseline.count: got -1; must be an integer >= 0'],
    ];
    for (const [observation, message] of bad) expect(() => judge.observe(observation as IntervalObservation)).toThrow(message);
    // A rejected interval changes nothing: the next valid one is accepted at t = 20.
    expect(judge.observe({ t: 20, metrics: {} }).metrics[0].missingStreak).toBe(2);
  });
});

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
    const judge = new Judge({ minCanaryRequests: 0, stickinessSeconds: 0, metrics: [{ name: 'quality', kind: 'score', margin: 0.05 }] });
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
      [{ stickinessSeconds: -5, metrics: [{ name: 'errors', kind: 'count' }] }, 'stickinessSeconds: got -5; must be seconds in [0, 604800]'],
      [{ stickinessSeconds: 700000, metrics: [{ name: 'errors', kind: 'count' }] }, 'stickinessSeconds: got 700000; must be seconds in [0, 604800]'],
      [{ effectiveClients: 0, metrics: [{ name: 'errors', kind: 'count' }] }, 'effectiveClients: got 0; must be a number of clients in [1, 1e9]'],
      [{ metrics: [{ name: 'e', kind: 'count', promotionGate: 'yes' as unknown as boolean }] }, 'metrics[0].promotionGate: got "yes"; must be true or false'],
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

  it('refuses a configuration that could never gather promotion evidence', () => {
    // Before: every gate false promoted on request count alone (canary 3/100 errors against baseline 1/100 was promoted).
    const noGate: JudgeConfig = { metrics: [{ name: 'errors', kind: 'count', promotionGate: false }, { name: 'quality', kind: 'score', promotionGate: false }] };
    expect(() => new Judge(noGate)).toThrow(JudgeInputError);
    expect(() => new Judge(noGate)).toThrow('metrics[*].promotionGate: got false; at least one metric must be a promotion gate: with none, the judge could never gather evidence that the canary is no worse, and would promote on request count alone');
  });

  it('promotes only on the evidence of its gates; a metric that is not a gate can still roll back', () => {
    const judge = new Judge({ minCanaryRequests: 100, stickinessSeconds: 0, metrics: [{ name: 'errors', kind: 'count' }, { name: 'latency', kind: 'count', promotionGate: false }] });
    const first = judge.observe(interval(10, 3, 10));
    expect(first.decision).toBe('continue');
    expect(first.reason).toContain('errors non-inferiority evidence');
    expect(first.reason).not.toContain('latency');
    let last = first;
    for (let i = 2; i <= 300 && last.decision === 'continue'; i++) last = judge.observe(interval(i * 10, i % 2, 19));
    expect(last.decision).toBe('promote');
    const errors = last.metrics.find((m) => m.metric === 'errors');
    expect(errors?.promotionEvidence).toBeGreaterThanOrEqual(errors?.promotionThreshold as number);

    const slow = new Judge({ stickinessSeconds: 0, metrics: [{ name: 'errors', kind: 'count' }, { name: 'latency', kind: 'count', promotionGate: false }] });
    let d: Decision | undefined;
    for (let i = 1; i <= 30 && d?.decision !== 'rollback'; i++) d = slow.observe(interval(i * 10, 0, 5, { canary: 10, baseline: 9 }));
    expect(d).toMatchObject({ decision: 'rollback', metric: 'latency' });
  });

  it('promotes a judge of quality scores alone, counting scored requests as canary requests', () => {
    // Before: only count metrics counted canary requests, so minCanaryRequests was never met.
    const judge = new Judge({ stickinessSeconds: 0, metrics: [{ name: 'quality', kind: 'score', margin: 0.05 }] });
    let d: Decision | undefined;
    for (let i = 1; i <= 500 && d?.decision !== 'promote'; i++) d = judge.observe({ t: i * 10, metrics: { quality: { canary: { count: 40, sum: 32 }, baseline: { count: 400, sum: 320 } } } });
    expect(d?.decision).toBe('promote');
    expect(d?.canaryRequests).toBeGreaterThanOrEqual(1000);
    expect(d?.canaryRequests).toBe((d?.metrics[0] as { canary: { count: number } }).canary.count);
  });

  it('judges late data once, as its own interval, and validates it', () => {
    const onTime = new Judge({ metrics: [{ name: 'errors', kind: 'count' }] });
    const late = new Judge({ metrics: [{ name: 'errors', kind: 'count' }] });
    const counts = (canaryBad: number) => ({ errors: { canary: { requests: 100, bad: canaryBad }, baseline: { requests: 900, bad: 5 } } });
    onTime.observe({ t: 60, metrics: counts(2) });
    const expected = onTime.observe({ t: 120, metrics: counts(4) });
    // Minute 1's datapoint arrives only with minute 2: nothing at t = 60, then both.
    const before = late.observe({ t: 60, metrics: {} });
    expect(before.metrics[0].missingStreak).toBe(1);
    const got = late.observe({ t: 120, metrics: counts(4), late: [{ t: 60, metrics: counts(2) }] });
    expect(got.metrics).toEqual(expected.metrics);
    expect(got.metrics[0].missingStreak).toBe(0);
    const bad: Array<[IntervalObservation, string]> = [
      [{ t: 180, metrics: {}, late: [{ t: 180, metrics: counts(1) }] }, "late[0].t: got 180; must be seconds >= 0 before this interval's t (180)"],
      [{ t: 180, metrics: {}, late: [{ t: 60, metrics: { cpu: {} } as never }] }, 'late[0].metrics.cpu: got "cpu"; is not a configured metric (configured: errors)'],
      [{ t: 180, metrics: {}, late: [{ t: 60, metrics: { errors: { canary: { requests: 1, bad: 2 }, baseline: { requests: 1 } } } }] }, 'late[0].metrics.errors.canary.bad: got 2; must not exceed late[0].metrics.errors.canary.requests (1)'],
      [{ t: 180, metrics: {}, late: {} as never }, 'late: got {}; must be a list of {t, metrics} of earlier intervals'],
    ];
    for (const [observation, message] of bad) expect(() => late.observe(observation)).toThrow(message);
  });

  it('is a deterministic function of its config and observations: a replay restores it exactly', () => {
    const config: JudgeConfig = { metrics: [{ name: 'errors', kind: 'count', weight: 2 }, { name: 'quality', kind: 'score' }] };
    const observations: IntervalObservation[] = Array.from({ length: 120 }, (_, i) => ({
      t: (i + 1) * 10,
      metrics: { errors: { canary: { requests: 50 + (i % 7), bad: i % 5 === 0 ? 1 : 0 }, baseline: { requests: 950, bad: 4 + (i % 3) } }, quality: { canary: { count: 5, sum: 4 }, baseline: { count: 50, sum: 41 } } },
      ...(i % 13 === 5 ? { late: [{ t: i * 10 - 5, metrics: { errors: { canary: { requests: 10, bad: 0 }, baseline: { requests: 90, bad: 1 } } } }] } : {}),
    }));
    const live = new Judge(config);
    const decisions = observations.map((o) => live.observe(o));
    const restored = new Judge(config);
    expect(observations.map((o) => restored.observe(o))).toEqual(decisions);
    expect(restored.forecast({ requestsPerSecond: 100, canaryShare: 0.05, intervalSeconds: 10 })).toEqual(live.forecast({ requestsPerSecond: 100, canaryShare: 0.05, intervalSeconds: 10 }));
  });

  it('reports the client-mix effect it allows for, and forecasts the time to promotion', () => {
    const judge = new Judge({ metrics: [{ name: 'errors', kind: 'count' }] });
    expect(judge.forecast({ requestsPerSecond: 100, canaryShare: 0.5, intervalSeconds: 60 })).toEqual({ secondsToPromotion: null, metrics: [{ metric: 'errors', secondsToPromotionEvidence: null }] });
    const d = judge.observe({ t: 60, metrics: { errors: { canary: { requests: 3000, bad: 15 }, baseline: { requests: 3000, bad: 15 } } } });
    // 50% share, default 50 effective clients: sd of ln(odds ratio) = sqrt((1/50) / 0.25).
    expect(d.metrics[0].clientMixSd).toBeCloseTo(Math.sqrt(1 / 50 / 0.25), 6);
    const busy = judge.forecast({ requestsPerSecond: 100, canaryShare: 0.5, intervalSeconds: 60 });
    const quiet = judge.forecast({ requestsPerSecond: 20, canaryShare: 0.5, intervalSeconds: 60 });
    expect(busy.secondsToPromotion).toBeGreaterThan(0);
    expect(busy.secondsToPromotion).toBeLessThan(7200);
    expect(busy.secondsToPromotion).toBe(busy.metrics[0].secondsToPromotionEvidence);
    expect(quiet.secondsToPromotion === null || (quiet.secondsToPromotion as number) > (busy.secondsToPromotion as number)).toBe(true);
    expect(judge.forecast({ requestsPerSecond: 0.01, canaryShare: 0.01, intervalSeconds: 60, horizonSeconds: 600 }).secondsToPromotion).toBeNull();
    expect(() => judge.forecast({ requestsPerSecond: 100, canaryShare: 1, intervalSeconds: 60 })).toThrow('forecast.canaryShare: got 1; must be a share in (0, 1)');
    expect(() => judge.forecast({ requestsPerSecond: 100, canaryShare: 0.5, intervalSeconds: 0 })).toThrow('forecast.intervalSeconds: got 0; must be seconds in [1, 3600]');
  });
});

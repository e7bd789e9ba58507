import { CanaryJudge, judgeConfig, QUALITY_MARGIN, planSchedule, assembleIntervals, canaryCapacityFor, canaryRequestShortfall, shortfallFloorPerMille, SHORTFALL_SHARE_TOLERANCE, DEFAULT_LIMITS, dueIntervals, expectedSecondsToDecision, intervalObservation, metricsQueryStart, validateLimits, type MetricDatapoint } from '../src';

const point = (colour: 'blue' | 'green', source: 'alb' | 'fleet', metric: MetricDatapoint['metric'], start: number, periodSeconds: number, value: number): MetricDatapoint => ({ colour, source, metric, start, periodSeconds, value });

describe('metric intervals', () => {
  const grid = { anchor: 6000, intervalSeconds: 60, watermark: null, settleSeconds: 120 };

  test('an interval is due once it ended and settled', () => {
    expect(dueIntervals(grid, 6000 + 179)).toEqual([]);
    expect(dueIntervals(grid, 6000 + 180)).toEqual([{ start: 6000, end: 6060 }]);
    expect(dueIntervals({ ...grid, watermark: 6060 }, 6000 + 300)).toEqual([{ start: 6060, end: 6120 }, { start: 6120, end: 6180 }]);
  });

  test('a missing datapoint is zero requests', () => {
    const [interval] = assembleIntervals([], [{ start: 6000, end: 6060 }], 'green');
    expect(interval.counts.canary.alb).toEqual({ requests: 0, errors: 0, slow: 0 });
  });

  test('a minute of ALB data lands in exactly one 10 s interval; fleet 10 s data in its own', () => {
    const due = [0, 1, 2, 3, 4, 5].map((i) => ({ start: 6000 + i * 10, end: 6010 + i * 10 }));
    const intervals = assembleIntervals([point('green', 'alb', 'requests', 6000, 60, 600), ...[0, 1, 2, 3, 4, 5].map((i) => point('green', 'fleet', 'requests', 6000 + i * 10, 10, 100))], due, 'green');
    expect(intervals.map((i) => i.counts.canary.alb.requests)).toEqual([0, 0, 0, 0, 0, 600]);
    expect(intervals.map((i) => i.counts.canary.fleet.requests)).toEqual([100, 100, 100, 100, 100, 100]);
  });

  test('data for an interval already judged is never counted again (late data)', () => {
    const late = point('green', 'alb', 'errors', 6000, 60, 50);
    const due = dueIntervals({ ...grid, watermark: 6060 }, 6300);
    const intervals = assembleIntervals([late, point('green', 'alb', 'requests', 6060, 60, 100)], due, 'green');
    expect(intervals.reduce((sum, i) => sum + i.counts.canary.alb.errors, 0)).toBe(0);
    expect(intervals[0].counts.canary.alb.requests).toBe(100);
  });

  test('queries start at the period holding the watermark', () => {
    expect(metricsQueryStart({ ...grid, watermark: 6070 }, 60)).toBe(6060);
    expect(metricsQueryStart(grid, 10)).toBe(6000);
  });

  test('connection errors of a crashed canary count as errors even without requests', () => {
    const counts = { canary: { alb: { requests: 0, errors: 30, slow: 0 }, fleet: { requests: 0, errors: 0, slow: 0, qualitySum: 0, qualityCount: 0 } }, baseline: { alb: { requests: 1000, errors: 1, slow: 0 }, fleet: { requests: 0, errors: 0, slow: 0, qualitySum: 0, qualityCount: 0 } } };
    expect(intervalObservation(60, counts, { fleet: false, albSlowThresholdSeconds: null }).metrics.errors).toEqual({ canary: { requests: 30, bad: 30 }, baseline: { requests: 1000, bad: 1 } });
  });

  test('quality scores and slow requests come from the fleet when it publishes', () => {
    const side = (quality: number) => ({ alb: { requests: 100, errors: 0, slow: 0 }, fleet: { requests: 100, errors: 0, slow: 3, qualitySum: quality, qualityCount: 100 } });
    const observation = intervalObservation(60, { canary: side(70), baseline: side(90) }, { fleet: true, albSlowThresholdSeconds: null });
    expect(observation.metrics['slow-requests']).toEqual({ canary: { requests: 100, bad: 3 }, baseline: { requests: 100, bad: 3 } });
    expect(observation.metrics.quality).toEqual({ canary: { count: 100, sum: 70 }, baseline: { count: 100, sum: 90 } });
  });
});

describe('what the judge is told', () => {
  test("the environment's stickiness sets the client-mix windows; every metric gates promotion, quality within its margin", () => {
    const config = judgeConfig({ fleet: true, albSlowThresholdSeconds: null }, 60, 900);
    expect(config.stickinessSeconds).toBe(900);
    expect(config.metrics.map((m) => [m.name, m.promotionGate ?? true, m.margin])).toEqual([['errors', true, undefined], ['slow-requests', true, undefined], ['quality', true, QUALITY_MARGIN]]);
  });
});

describe('a crashed canary', () => {
  // apps/local 05 relies on this: an interval with a handful of canary requests, all refused, is enough.
  test('five refused canary requests against a 1 % baseline roll back in one 10 s interval; four do not', () => {
    const sources = { fleet: true, albSlowThresholdSeconds: null };
    const decide = (refused: number) => {
      const fleet = (n: number) => ({ requests: n, errors: 0, slow: 0, qualitySum: 0.85 * n, qualityCount: n });
      const counts = { canary: { alb: { requests: refused, errors: refused, slow: 0 }, fleet: fleet(0) }, baseline: { alb: { requests: 3000, errors: 30, slow: 0 }, fleet: fleet(3000) } };
      return new CanaryJudge(sources, 10, 10).observe(intervalObservation(10, counts, sources)).decision;
    };
    expect([decide(4), decide(5)]).toEqual(['continue', 'rollback']);
  });
});

describe('quality gates promotion', () => {
  // 10 s intervals at 50 %, 1500 requests a side, 1 % errors and slow on both fleets, 10 s stickiness (the local environment).
  const side = (quality: number) => ({ alb: { requests: 1500, errors: 15, slow: 0 }, fleet: { requests: 1500, errors: 15, slow: 15, qualitySum: 1500 * quality, qualityCount: 1500 } });
  const run = (canaryQuality: number) => {
    const sources = { fleet: true, albSlowThresholdSeconds: null };
    const judge = new CanaryJudge(sources, 10, 10);
    for (let i = 1; i <= 120; i++) {
      const decision = judge.observe(intervalObservation(i * 10, { canary: side(canaryQuality), baseline: side(0.85) }, sources));
      if (decision.decision !== 'continue') return { decision: decision.decision, metric: decision.metric, seconds: i * 10 };
    }
    return { decision: 'continue', metric: null, seconds: 1200 };
  };

  test('a canary whose errors match but whose quality is 0.25 worse is rolled back on quality, never promoted', () => {
    expect(run(0.6)).toMatchObject({ decision: 'rollback', metric: 'quality' });
  });

  test('a canary as good as its baseline is promoted once quality is shown within the margin', () => {
    const healthy = run(0.85);
    expect(healthy.decision).toBe('promote');
    expect(healthy.seconds).toBeLessThan(600);
  });
});

describe('rule 4: canary requests against the share', () => {
  test('zero canary requests out of 600 at 0.1 % is normal; out of 60 000 it is not', () => {
    expect(canaryRequestShortfall(0, 600, 1).shortfall).toBe(false);
    expect(canaryRequestShortfall(0, 60_000, 1).shortfall).toBe(true);
  });

  test('about the expected share is fine; a tenth of it is a shortfall', () => {
    expect(canaryRequestShortfall(480, 10_000, 50).shortfall).toBe(false);
    expect(canaryRequestShortfall(50, 10_000, 50).shortfall).toBe(true);
  });

  test('sticky, clustered traffic: 60 % of the share is no shortfall against the floor, a twentieth of it is', () => {
    const floor = shortfallFloorPerMille({ share: 100, previousShare: null, secondsInStep: 600, stickinessSeconds: 300 });
    expect(floor).toBe(100 * SHORTFALL_SHARE_TOLERANCE);
    // A plain binomial test calls 6 % of 3000 requests at a 10 % share a shortfall; a few heavy clients make it normal.
    expect(canaryRequestShortfall(180, 3000, 100).shortfall).toBe(true);
    expect(canaryRequestShortfall(180, 3000, 100, floor)).toMatchObject({ shortfall: false, expected: 300 });
    expect(canaryRequestShortfall(15, 3000, 100, floor).shortfall).toBe(true);
  });

  test('in the first stickiness window of a step the floor follows the previous share: bound clients keep their group', () => {
    const step = { share: 500, previousShare: 100, stickinessSeconds: 300 };
    expect(shortfallFloorPerMille({ ...step, secondsInStep: 120 })).toBe(100 * SHORTFALL_SHARE_TOLERANCE);
    expect(shortfallFloorPerMille({ ...step, secondsInStep: 300 })).toBe(500 * SHORTFALL_SHARE_TOLERANCE);
  });
});

describe('capacity', () => {
  const schedule = { steps: [10, 50, 250, 500].map((canaryPerMille) => ({ canaryPerMille, minBakeSeconds: 60 })), intervalSeconds: 60 };
  test('scales with the share ratio, at least one, and the stable capacity for the last step', () => {
    expect([0, 1, 2, 3].map((i) => canaryCapacityFor(i, schedule, 10, 20))).toEqual([1, 1, 4, 10]);
    expect(canaryCapacityFor(3, schedule, 10, 6)).toBe(6);
  });
});

describe('limits', () => {
  test('are validated, naming the field, value and range', () => {
    expect(validateLimits({ ...DEFAULT_LIMITS, drainSeconds: 300 }).drainSeconds).toBe(300);
    expect(() => validateLimits({ ...DEFAULT_LIMITS, drainSeconds: 300, verifyAttempts: 0 })).toThrow('limits.verifyAttempts = 0: must be a whole number from 1 to 10');
  });
});

describe('status', () => {
  test('expected time to a decision extrapolates the slowest promotion gate', () => {
    const gate = { metric: 'errors', kind: 'count' as const, rollbackEvidence: 1, rollbackThreshold: 100, promotionThreshold: 100, promotionGate: true, stale: false, estimate: '', canary: '', baseline: '' };
    // ln 10 after 300 s; ln 100 needs as long again.
    expect(expectedSecondsToDecision([{ ...gate, promotionEvidence: 10 }], 300)).toBe(300);
    expect(expectedSecondsToDecision([{ ...gate, promotionEvidence: 0.5 }], 300)).toBeNull();
    expect(expectedSecondsToDecision([{ ...gate, promotionEvidence: 200 }], 300)).toBe(0);
  });
});

describe('schedule plan', () => {
  const schedule = { steps: [10, 50, 250, 500].map((canaryPerMille) => ({ canaryPerMille, minBakeSeconds: 120 })), intervalSeconds: 60 };
  test('enough traffic: the last step can show a 2x regression, and each step has an expected time', () => {
    const plan = planSchedule(schedule, { requestsPerSecond: 100, baselineErrorRate: 0.005 });
    expect(plan.underpowered).toBe(false);
    expect(plan.steps.slice(0, 3).map((s) => s.expectedSeconds)).toEqual([120, 120, 120]);
    expect(plan.expectedTotalSeconds).toBeGreaterThan(360);
  });
  test('a trickle of traffic is underpowered', () => {
    expect(planSchedule(schedule, { requestsPerSecond: 0.05, baselineErrorRate: 0.005 }).underpowered).toBe(true);
    expect(planSchedule(schedule, { requestsPerSecond: 0, baselineErrorRate: 0.005 }).expectedTotalSeconds).toBeNull();
  });
});

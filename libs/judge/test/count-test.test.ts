import { ConditionedInterval, CountTest, type CountTestOptions, createRng, type Rng } from '../src/index';

const RUNS = 600;
const INTERVALS = 60;
const ALPHA = 0.05;

// Baseline error rate drifts 0.2% -> 5% and the canary weight steps 5% -> 50%: the conditional test
// must stay valid through both.
function simulate(rng: Rng, oddsRatio: number, step: (test: CountTest, i: number) => void, options: CountTestOptions = { alpha: ALPHA }): void {
  const test = new CountTest(options);
  for (let i = 0; i < INTERVALS; i++) {
    const p0 = 0.002 + (0.048 * i) / INTERVALS;
    const odds = (oddsRatio * p0) / (1 - p0);
    const p1 = odds / (1 + odds);
    const weight = [0.05, 0.1, 0.25, 0.5][Math.floor((4 * i) / INTERVALS)];
    // Poisson arrivals: bad and good requests are independent Poisson counts (thinning).
    const x = rng.poisson(300 * weight * p1);
    const y = rng.poisson(300 * (1 - weight) * p0);
    test.update({ requests: x + rng.poisson(300 * weight * (1 - p1)), bad: x }, { requests: y + rng.poisson(300 * (1 - weight) * (1 - p0)), bad: y });
    step(test, i);
  }
}

describe('CountTest', () => {
  it('each interval factor has expectation exactly 1 under psi = 1 and below 1 under psi < 1 (enumeration)', () => {
    const interval = new ConditionedInterval(30, 270, 9);
    for (const alt of [1.5, 4, 40]) {
      for (const [truth, bound] of [[1, 'equal'], [0.7, 'below'], [0.2, 'below']] as const) {
        let expectation = 0;
        for (let x = interval.lo; x <= interval.hi; x++) expectation += Math.exp(interval.logPmf(x, Math.log(truth)) + interval.logLikelihoodRatio(x, Math.log(alt)));
        if (bound === 'equal') expect(expectation).toBeCloseTo(1, 12);
        else expect(expectation).toBeLessThan(1);
      }
    }
  });

  it('is a supermartingale by simulation: false rollbacks <= alpha and mean evidence <= 1 under psi = 1 and psi = 0.6', () => {
    for (const [oddsRatio, seed] of [[1, 11], [0.6, 12]]) {
      const rng = createRng(seed);
      let crossed = 0;
      const meanAt = new Array<number>(INTERVALS).fill(0);
      for (let r = 0; r < RUNS; r++) {
        let hit = false;
        simulate(rng, oddsRatio, (test, i) => {
          const log = test.logRollbackEvidence();
          meanAt[i] += Math.exp(log) / RUNS;
          if (log >= Math.log(1 / ALPHA)) hit = true;
        });
        if (hit) crossed++;
      }
      // Ville's bound with Monte-Carlo slack of ~2.5 standard errors.
      expect(crossed / RUNS).toBeLessThanOrEqual(ALPHA + 2.5 * Math.sqrt((ALPHA * (1 - ALPHA)) / RUNS));
      for (const i of [9, 29, 59]) expect(meanAt[i]).toBeLessThanOrEqual(1.15);
      if (oddsRatio < 1) expect(meanAt[59]).toBeLessThan(meanAt[9]);
    }
  });

  it('detects a 5x regression within minutes', () => {
    const rng = createRng(5);
    const detections: number[] = [];
    for (let r = 0; r < 100; r++) {
      let at = Infinity;
      simulate(rng, 5, (test, i) => {
        if (at === Infinity && test.logRollbackEvidence() >= Math.log(100)) at = i;
      });
      detections.push(at);
    }
    detections.sort((a, b) => a - b);
    expect(detections[50]).toBeLessThanOrEqual(15);
    expect(detections[95]).toBeLessThan(Infinity);
  });

  it('promotes wrongly at most alpha of the time at the margin, and promotes healthy canaries', () => {
    const rng = createRng(21);
    let falsePromotions = 0;
    for (let r = 0; r < RUNS; r++) {
      let hit = false;
      simulate(
        rng,
        1.5,
        (test) => {
          if (test.logPromotionEvidence() >= Math.log(1 / ALPHA)) hit = true;
        },
        { alpha: ALPHA, margin: 1.5 },
      );
      if (hit) falsePromotions++;
    }
    expect(falsePromotions / RUNS).toBeLessThanOrEqual(ALPHA + 2.5 * Math.sqrt((ALPHA * (1 - ALPHA)) / RUNS));
    let promoted = 0;
    for (let r = 0; r < 50; r++) {
      let hit = false;
      simulate(
        rng,
        0.8,
        (test) => {
          if (test.logPromotionEvidence() >= Math.log(1 / ALPHA)) hit = true;
        },
        { alpha: ALPHA, margin: 1.5 },
      );
      if (hit) promoted++;
    }
    expect(promoted).toBeGreaterThan(40);
  });

  it('keeps the true odds ratio inside its confidence sequence at every look, except alpha of the time', () => {
    const rng = createRng(31);
    let missed = 0;
    for (let r = 0; r < 300; r++) {
      let miss = false;
      simulate(rng, 2, (test) => {
        const { lower, upper } = test.estimate();
        if (!(lower <= 2 && 2 <= upper)) miss = true;
      });
      if (miss) missed++;
    }
    expect(missed / 300).toBeLessThanOrEqual(ALPHA);
  });

  it('estimates the odds ratio and reports totals', () => {
    const test = new CountTest({ alpha: 0.01 });
    for (let i = 0; i < 30; i++) test.update({ requests: 1000, bad: 30 }, { requests: 1000, bad: 10 });
    const state = test.state();
    // Observed odds ratio (30/970) / (10/990) = 3.06; the grid step is 10%.
    expect(state.estimate.oddsRatio).toBeGreaterThan(2.8);
    expect(state.estimate.oddsRatio).toBeLessThan(3.4);
    expect(state.estimate.lower).toBeGreaterThan(2);
    expect(state.estimate.upper).toBeLessThan(5);
    expect(state.canary).toEqual({ requests: 30000, bad: 900 });
    expect(state.baseline).toEqual({ requests: 30000, bad: 300 });
    expect(state.informativeIntervals).toBe(30);
    expect(state.rollbackEvidence).toBeGreaterThan(1e10);
  });

  it('ignores intervals without information', () => {
    const test = new CountTest({ alpha: 0.01 });
    expect(test.update({ requests: 50, bad: 0 }, { requests: 950, bad: 0 })).toBe(false);
    expect(test.update({ requests: 0, bad: 0 }, { requests: 950, bad: 5 })).toBe(false);
    expect(test.logRollbackEvidence()).toBeCloseTo(0, 12);
    expect(test.state().canary.requests).toBe(50);
  });

  it('rejects bad options with the field, the value and the range', () => {
    expect(() => new CountTest({ alpha: 0 })).toThrow('alpha must be in (0, 0.5); got 0');
    expect(() => new CountTest({ alpha: 0.01, promotionAlpha: 0.7 })).toThrow('promotionAlpha must be in (0, 0.5); got 0.7');
    expect(() => new CountTest({ alpha: 0.01, margin: 1 })).toThrow('margin must be in [1.05, 10]; got 1');
    expect(() => new CountTest({ alpha: 0.01, maxOddsRatio: 1000 })).toThrow('odds grid include value 1000 lies outside the grid [0.03125, 256]');
    expect(() => new CountTest({ alpha: 0.01, maxOddsRatio: 1.2 })).toThrow('maxOddsRatio must be in (margin 2, grid max');
  });
});

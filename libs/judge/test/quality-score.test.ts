import { createRng, QualityScoreTest, type Rng } from '../src/index';
import { logNormalCdf } from '../src/normal';
import { logHalfNormalMixture } from '../src/quality-score';

const ALPHA = 0.05;

// Scores in [0, 1]: 20% partial credit (uniform), 80% pass/fail with the given pass rate.
function scores(rng: Rng, count: number, passRate: number): { count: number; sum: number } {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += rng.next() < 0.2 ? rng.next() : rng.next() < passRate ? 1 : 0;
  return { count, sum };
}

function meanOf(passRate: number): number {
  return 0.2 * 0.5 + 0.8 * passRate;
}

describe('QualityScoreTest', () => {
  it('computes the half-normal mixture in closed form', () => {
    // Numerical integral of exp(l s - l^2 v / 2) 2 N(l; 0, 1/rho) over l >= 0.
    const [s, v, rho] = [30, 400, 100];
    let integral = 0;
    const dl = 1e-4;
    for (let l = dl / 2; l < 2; l += dl) integral += Math.exp(l * s - (l * l * v) / 2) * 2 * Math.sqrt(rho / (2 * Math.PI)) * Math.exp((-rho * l * l) / 2) * dl;
    expect(logHalfNormalMixture(s, v, rho)).toBeCloseTo(Math.log(integral), 5);
    expect(Math.exp(logNormalCdf(0))).toBeCloseTo(0.5, 6);
    expect(Math.exp(logNormalCdf(1.959964))).toBeCloseTo(0.975, 6);
    expect(logNormalCdf(-30)).toBeCloseTo(-454.321, 2);
  });

  it('rolls back wrongly at most alpha of the time when the canary is as good (drifting means, varying sizes)', () => {
    const rng = createRng(41);
    let falseRollbacks = 0;
    const runs = 500;
    for (let r = 0; r < runs; r++) {
      const test = new QualityScoreTest({ alpha: ALPHA });
      let hit = false;
      for (let i = 0; i < 60; i++) {
        const p = 0.5 + 0.4 * Math.sin(i / 7);
        test.update(scores(rng, 5 + (i % 20), p), scores(rng, 60, p));
        if (test.logRollbackEvidence() >= Math.log(1 / ALPHA)) hit = true;
      }
      if (hit) falseRollbacks++;
    }
    expect(falseRollbacks / runs).toBeLessThanOrEqual(ALPHA);
  });

  it('promotes wrongly at most alpha of the time when the canary is exactly margin worse', () => {
    const rng = createRng(42);
    let falsePromotions = 0;
    const runs = 500;
    const margin = 0.08;
    for (let r = 0; r < runs; r++) {
      const test = new QualityScoreTest({ alpha: ALPHA, margin });
      let hit = false;
      for (let i = 0; i < 60; i++) {
        test.update(scores(rng, 20, 0.7 - margin / 0.8), scores(rng, 60, 0.7));
        if (test.logPromotionEvidence() >= Math.log(1 / ALPHA)) hit = true;
      }
      if (hit) falsePromotions++;
    }
    expect(meanOf(0.7) - meanOf(0.7 - margin / 0.8)).toBeCloseTo(margin, 12);
    expect(falsePromotions / runs).toBeLessThanOrEqual(ALPHA);
  });

  it('promotes an equal canary, rolls back a worse one, and reports a covering confidence sequence', () => {
    const rng = createRng(43);
    const equal = new QualityScoreTest({ alpha: 0.01, margin: 0.05 });
    const worse = new QualityScoreTest({ alpha: 0.01, margin: 0.05 });
    for (let i = 0; i < 120; i++) {
      equal.update(scores(rng, 30, 0.8), scores(rng, 300, 0.8));
      worse.update(scores(rng, 30, 0.6), scores(rng, 300, 0.8));
    }
    expect(equal.state().promotionEvidence).toBeGreaterThan(100);
    expect(equal.state().rollbackEvidence).toBeLessThan(1);
    expect(worse.state().rollbackEvidence).toBeGreaterThan(100);
    const { difference, lower, upper } = worse.state().estimate;
    expect(lower).toBeLessThanOrEqual(-0.16);
    expect(upper).toBeGreaterThanOrEqual(-0.16);
    expect(difference).toBeCloseTo(-0.16, 1);
    expect(worse.state().canary.count).toBe(3600);
  });

  it('ignores an interval where a fleet scored nothing', () => {
    const test = new QualityScoreTest({ alpha: 0.01 });
    expect(test.update({ count: 0, sum: 0 }, { count: 10, sum: 9 })).toBe(false);
    expect(test.state().baseline.count).toBe(0);
    expect(test.state().estimate.upper).toBe(1);
  });

  it('rejects bad options with the field, the value and the range', () => {
    expect(() => new QualityScoreTest({ alpha: 0.6 })).toThrow('alpha must be in (0, 0.5); got 0.6');
    expect(() => new QualityScoreTest({ alpha: 0.01, promotionAlpha: -1 })).toThrow('promotionAlpha must be in (0, 0.5); got -1');
    expect(() => new QualityScoreTest({ alpha: 0.01, margin: 0.9 })).toThrow('margin must be in (0, 0.5]; got 0.9');
    expect(() => new QualityScoreTest({ alpha: 0.01, mixturePrecision: 0 })).toThrow('mixturePrecision must be a finite number > 0; got 0');
  });
});

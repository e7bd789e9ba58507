import { buildOddsGrid } from '../src/index';
import { gridIndexOf, logMixture, tiltedLogPrior, uniformLogPrior } from '../src/odds-grid';
import { oddsRatioConfidenceSequence } from '../src/confidence-sequence';

describe('odds grid, priors and confidence sequence', () => {
  const grid = buildOddsGrid({ include: [1.5, 30] });

  it('spans 1/32 to 256 in steps of 0.1 in ln psi and holds 1 and the included values exactly', () => {
    expect(Math.exp(grid.logPsi[0])).toBeCloseTo(Math.exp(-3.4), 9);
    expect(Math.exp(grid.logPsi[grid.logPsi.length - 1])).toBeCloseTo(Math.exp(5.5), 6);
    expect(grid.logPsi[grid.oneIndex]).toBe(0);
    expect(Math.exp(grid.logPsi[gridIndexOf(grid, 1.5)])).toBeCloseTo(1.5, 9);
    for (let j = 1; j < grid.logPsi.length; j++) expect(grid.logPsi[j]).toBeGreaterThan(grid.logPsi[j - 1]);
    expect(() => gridIndexOf(grid, 1.7)).toThrow('odds ratio 1.7 is not on the grid; pass it in OddsGridOptions.include');
  });

  it('normalises priors and tilts the rollback prior towards small regressions', () => {
    const uniform = uniformLogPrior(grid, 1, 30.03);
    const tilted = tiltedLogPrior(grid, 1, 30.03, -0.5);
    expect(logMixture(uniform, new Float64Array(uniform.length))).toBeCloseTo(0, 12);
    expect(logMixture(tilted, new Float64Array(tilted.length))).toBeCloseTo(0, 12);
    expect(uniform[grid.oneIndex]).toBe(-Infinity);
    const inside = [...tilted].map((w, j) => [grid.logPsi[j], w]).filter(([, w]) => w > -Infinity);
    expect(Math.exp(inside[inside.length - 1][0])).toBeCloseTo(30, 6);
    for (let k = 1; k < inside.length; k++) expect(inside[k][1]).toBeLessThan(inside[k - 1][1]);
    expect(() => uniformLogPrior(grid, 1.01, 1.02)).toThrow('no odds grid point lies in (1.01, 1.02)');
  });

  it('inverts the test into an interval widened by one grid step', () => {
    // A likelihood peaked at psi = 2 (ln 2 ~ 0.69) with curvature 50.
    const logLik = grid.logPsi.map((v) => -25 * (v - Math.log(2)) ** 2);
    const cs = oddsRatioConfidenceSequence(grid, uniformLogPrior(grid, 0, Infinity), logLik, 0.01);
    expect(cs.oddsRatio).toBeCloseTo(Math.exp(0.7), 9);
    expect(cs.lower).toBeLessThan(2);
    expect(cs.upper).toBeGreaterThan(2);
    // Accepted points satisfy -25 d^2 > ln(mixture) - ln 100; the reported ends lie one step beyond.
    const cut = logMixture(uniformLogPrior(grid, 0, Infinity), logLik) - Math.log(100);
    expect(-25 * (Math.log(cs.lower) - Math.log(2)) ** 2).toBeLessThanOrEqual(cut);
    expect(-25 * (Math.log(cs.upper) - Math.log(2)) ** 2).toBeLessThanOrEqual(cut);
    const flat = oddsRatioConfidenceSequence(grid, uniformLogPrior(grid, 0, Infinity), new Float64Array(grid.logPsi.length), 0.01);
    expect([flat.lower, flat.upper]).toEqual([0, Infinity]);
  });

  it('rejects bad grid options with the field, the value and the range', () => {
    expect(() => buildOddsGrid({ min: 2 })).toThrow('odds grid min must be in (0, 1); got 2');
    expect(() => buildOddsGrid({ max: Infinity })).toThrow('odds grid max must be a finite number > 1; got Infinity');
    expect(() => buildOddsGrid({ logStep: 0 })).toThrow('odds grid logStep must be in (0, 1]; got 0');
    expect(() => buildOddsGrid({ include: [0.001] })).toThrow('odds grid include value 0.001 lies outside the grid [0.03125, 256]');
  });
});

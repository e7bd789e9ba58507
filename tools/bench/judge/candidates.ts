import { buildOddsGrid, ConditionedInterval } from '@canaryfleet/judge';
import { badOf, type Tick } from './traffic';
import type { MethodFactory } from './methods';

/**
 * A candidate the judge did not choose, kept to show why: the exact conditional test of ADR 0005 with
 * its rollback null moved from psi <= 1 to psi <= tolerance (a fixed tolerance margin for the client
 * mix), the same grid and prior shape (psi^-1/2 on ln psi over (tolerance, 30 x tolerance]).
 */
export function toleranceMargin(tolerance: number, intervalSeconds: number): MethodFactory {
  const grid = buildOddsGrid({ include: [tolerance, 30 * tolerance] }).logPsi;
  const reference = Math.log(tolerance);
  const inside = Array.from(grid, (v) => v > reference + 1e-9 && v <= reference + Math.log(30) + 1e-9);
  const raw = Array.from(grid, (v, j) => (inside[j] ? -0.5 * v : -Infinity));
  const norm = Math.log(raw.reduce((sum, w) => sum + (w === -Infinity ? 0 : Math.exp(w)), 0));
  const logPrior = raw.map((w) => w - norm);
  return (scenario) => {
    const logLik = new Float64Array(grid.length);
    let pending = { n1: 0, x: 0, n0: 0, y: 0 };
    return {
      name: `tolerance ${tolerance}`,
      intervalSeconds,
      observe(tick: Tick) {
        for (const part of [...(tick.missing ? [] : [tick]), ...(tick.late ?? [])]) {
          pending = { n1: pending.n1 + part.canary.requests, x: pending.x + badOf(scenario, part.canary), n0: pending.n0 + part.baseline.requests, y: pending.y + badOf(scenario, part.baseline) };
        }
        if (tick.t % intervalSeconds !== 0) return null;
        const interval = new ConditionedInterval(pending.n1, pending.n0, pending.x + pending.y);
        if (!interval.degenerate) {
          const base = interval.logLikelihoodRatio(pending.x, reference);
          for (let j = 0; j < grid.length; j++) logLik[j] += interval.logLikelihoodRatio(pending.x, grid[j]) - base;
        }
        pending = { n1: 0, x: 0, n0: 0, y: 0 };
        let peak = -Infinity;
        for (let j = 0; j < grid.length; j++) peak = Math.max(peak, logPrior[j] + logLik[j]);
        let sum = 0;
        for (let j = 0; j < grid.length; j++) sum += Math.exp(logPrior[j] + logLik[j] - peak);
        return peak + Math.log(sum) >= Math.log(100) ? 'rollback' : null;
      },
    };
  };
}

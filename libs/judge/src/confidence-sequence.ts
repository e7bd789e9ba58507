import { type OddsGrid, logMixture } from './odds-grid';

export interface OddsRatioEstimate {
  /** Maximum-likelihood odds ratio on the grid (canary odds / baseline odds). */
  readonly oddsRatio: number;
  /** Lower end of the (1 - alpha) confidence sequence; 0 when it reaches the bottom of the grid. */
  readonly lower: number;
  /** Upper end of the (1 - alpha) confidence sequence; Infinity when it reaches the top of the grid. */
  readonly upper: number;
}

/**
 * Confidence sequence for psi by inverting, at every grid point psi0, the test whose e-value is
 * sum_j prior_j L(psi_j) / L(psi0) (a martingale under psi0 whatever the prior). The set of psi0 not
 * rejected at level alpha is widened by one grid step on each side so that values between grid points
 * are covered too (the likelihood is log-concave in ln psi, so the neighbour bounds it).
 */
export function oddsRatioConfidenceSequence(
  grid: OddsGrid,
  logPrior: Float64Array,
  logLik: Float64Array,
  alpha: number,
): OddsRatioEstimate {
  const cut = logMixture(logPrior, logLik) - Math.log(1 / alpha);
  let first = -1;
  let last = -1;
  let best = 0;
  for (let j = 0; j < logLik.length; j++) {
    if (logLik[j] > logLik[best]) best = j;
    if (logLik[j] > cut) {
      if (first < 0) first = j;
      last = j;
    }
  }
  const top = grid.logPsi.length - 1;
  const lower = first <= 0 ? 0 : Math.exp(grid.logPsi[first - 1]);
  const upper = last < 0 || last >= top ? Infinity : Math.exp(grid.logPsi[last + 1]);
  return { oddsRatio: Math.exp(grid.logPsi[best]), lower, upper };
}

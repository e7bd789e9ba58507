import { type OddsGrid, gridIndexOf, logMixture, uniformLogPrior } from './odds-grid';

/**
 * Non-inferiority on the odds-ratio grid: H0 psi >= margin against H1 psi < margin.
 *
 * Evidence = sum_j prior_j L(psi_j) / L(margin) over grid points psi_j < margin. Each ratio
 * f_psi_j(x) / f_margin(x) is decreasing in x (monotone likelihood ratio of the noncentral
 * hypergeometric family), so under any psi >= margin its expectation is <= 1: the evidence is a
 * nonnegative supermartingale and crosses 1/alpha with probability <= alpha (Ville).
 */
export interface NonInferiorityPrior {
  readonly marginIndex: number;
  readonly logPrior: Float64Array;
}

/**
 * Prior uniform in ln(psi) over [lowest, margin). Its mass sits where healthy canaries live
 * (psi near 1), which is what promotion needs to see.
 */
export function nonInferiorityPrior(grid: OddsGrid, margin: number, lowest = 0.25): NonInferiorityPrior {
  return { marginIndex: gridIndexOf(grid, margin), logPrior: uniformLogPrior(grid, lowest * 0.999, margin) };
}

/** ln of the non-inferiority e-value given the running log-likelihoods (any common reference). */
export function logNonInferiorityEvidence(prior: NonInferiorityPrior, logLik: Float64Array): number {
  return logMixture(prior.logPrior, logLik) - logLik[prior.marginIndex];
}

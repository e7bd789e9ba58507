import erfcx from '@stdlib/math-base-special-erfcx';
import cdf from '@stdlib/stats-base-dists-normal-cdf';
import quantile from '@stdlib/stats-base-dists-normal-quantile';

/** The standard normal distribution, the one implementation the judge uses (stdlib underneath). */

/** Phi(z). */
export function normalCdf(z: number): number {
  return cdf(z, 0, 1);
}

/**
 * ln Phi(z), accurate in both tails: for z < 0 it uses the scaled complementary error function,
 * Phi(z) = erfcx(-z / sqrt 2) exp(-z^2 / 2) / 2, so it never underflows (ln Phi(-30) = -454.32).
 */
export function logNormalCdf(z: number): number {
  if (z >= 0) return Math.log1p(-cdf(-z, 0, 1));
  return Math.log(erfcx(-z / Math.SQRT2) / 2) - (z * z) / 2;
}

/** The p-quantile, Phi^-1(p). */
export function normalQuantile(p: number): number {
  return quantile(p, 0, 1);
}

// Bound once: a global lookup per call costs ~6x inside sandboxes such as jest's vm context.
const { exp, log, max, min } = Math;

/**
 * Fisher's noncentral hypergeometric law of one interval's canary bad count X, conditioned on the
 * interval's total bad count m = X + Y:
 *
 *   P(X = x | m) = C(n1, x) C(n0, m - x) psi^x / Z(psi),   Z(psi) = sum_k C(n1, k) C(n0, m - k) psi^k
 *
 * with n1 canary and n0 baseline requests and psi the odds ratio (canary odds / baseline odds).
 * The baseline error rate cancels out: that is what makes the test immune to a drifting baseline.
 */
export class ConditionedInterval {
  /** Smallest possible canary bad count, max(0, m - n0). */
  readonly lo: number;
  /** Largest possible canary bad count, min(n1, m). */
  readonly hi: number;
  // logStep[i] = ln w(lo+i+1) - ln w(lo+i); strictly decreasing (the law is log-concave in x).
  private readonly logStep: Float64Array;
  // logWeight[i] = ln w(lo+i) - ln w(lo), w(k) = C(n1, k) C(n0, m - k).
  private readonly logWeight: Float64Array;
  private readonly logZAtOne: number;

  constructor(
    readonly canaryRequests: number,
    readonly baselineRequests: number,
    readonly totalBad: number,
  ) {
    const n1 = canaryRequests;
    const n0 = baselineRequests;
    const m = totalBad;
    this.lo = max(0, m - n0);
    this.hi = min(n1, m);
    const size = this.hi - this.lo + 1;
    this.logStep = new Float64Array(max(0, size - 1));
    this.logWeight = new Float64Array(size);
    for (let i = 0; i < size - 1; i++) {
      const k = this.lo + i;
      this.logStep[i] = log(((n1 - k) * (m - k)) / ((k + 1) * (n0 - m + k + 1)));
      this.logWeight[i + 1] = this.logWeight[i] + this.logStep[i];
    }
    this.logZAtOne = this.logNormalizer(0);
  }

  /** True when the interval carries no information about psi (only one value of X is possible). */
  get degenerate(): boolean {
    return this.hi === this.lo;
  }

  /**
   * ln Z(psi) - ln w(lo), summed outward from the mode and stopped once terms fall below e^-40 of the
   * peak: the terms are log-concave, so the skipped tail is < 1e-15 relative and the cost is
   * O(log support + window) instead of O(support).
   */
  logNormalizer(logPsi: number): number {
    const size = this.logWeight.length;
    let a = 0;
    let b = size - 1;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (this.logStep[mid] + logPsi > 0) a = mid + 1;
      else b = mid;
    }
    const mode = a;
    const peak = this.logWeight[mode] + mode * logPsi;
    let sum = 1;
    for (let i = mode + 1; i < size; i++) {
      const d = this.logWeight[i] + i * logPsi - peak;
      if (d < -40) break;
      sum += exp(d);
    }
    for (let i = mode - 1; i >= 0; i--) {
      const d = this.logWeight[i] + i * logPsi - peak;
      if (d < -40) break;
      sum += exp(d);
    }
    return peak + log(sum) + this.lo * logPsi;
  }

  /**
   * Var(X | m) at psi = 1 (central hypergeometric, closed form): the interval's Fisher information about
   * ln psi at psi = 1.
   */
  get informationAtOne(): number {
    const n = this.canaryRequests + this.baselineRequests;
    if (n < 2) return 0;
    return (this.canaryRequests * this.baselineRequests * this.totalBad * (n - this.totalBad)) / (n * n * (n - 1));
  }

  /** ln P(X = x | m; psi). */
  logPmf(x: number, logPsi: number): number {
    if (x < this.lo || x > this.hi) return -Infinity;
    return this.logWeight[x - this.lo] + x * logPsi - this.logNormalizer(logPsi);
  }

  /** ln [P(X = x; psi) / P(X = x; 1)]: the interval's log-likelihood ratio against psi = 1. */
  logLikelihoodRatio(x: number, logPsi: number): number {
    return x * logPsi - this.logNormalizer(logPsi) + this.logZAtOne;
  }

  /** E[X] and E[X^2] under psi, by enumeration (used by the power planner, not on the hot path). */
  moments(logPsi: number): { mean: number; secondMoment: number } {
    const logZ = this.logNormalizer(logPsi);
    let mean = 0;
    let second = 0;
    for (let i = 0; i < this.logWeight.length; i++) {
      const x = this.lo + i;
      const p = exp(this.logWeight[i] + x * logPsi - logZ);
      mean += p * x;
      second += p * x * x;
    }
    return { mean, secondMoment: second };
  }
}

import { mixScale, temperingFactor } from './client-mix';
import { ConditionedInterval } from './noncentral-hypergeometric';
import { normalCdf, normalQuantile } from './normal';

/** One interval's traffic, as the planner assumes it: fixed request counts, independent requests. */
export interface IntervalTraffic {
  readonly canaryRequests: number;
  readonly baselineRequests: number;
  /** Baseline bad-request probability. Range (0, 0.5]. */
  readonly baselineRate: number;
}

/** Mean and variance of one interval's ln f_psi_j(X) / f_1(X) per grid point, under a true odds ratio. */
export interface IntervalMoments {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  /** E[Var(X | M)] at psi = 1: the interval's expected Fisher information about ln psi. */
  readonly information: number;
  readonly canaryRequests: number;
  readonly requests: number;
}

/**
 * Exact moments of an interval's log-likelihood ratios under the true odds ratio: the total bad count M
 * is enumerated (exact convolution of the two binomials, or 32 normal nodes when M is large) and, given
 * M, the noncentral hypergeometric law.
 */
export function intervalMoments(grid: Float64Array, traffic: IntervalTraffic, trueLogPsi: number): IntervalMoments {
  const { canaryRequests: n1, baselineRequests: n0, baselineRate: p0 } = traffic;
  const odds1 = Math.exp(trueLogPsi) * (p0 / (1 - p0));
  const p1 = odds1 / (1 + odds1);
  const mean = new Float64Array(grid.length);
  const second = new Float64Array(grid.length);
  let information = 0;
  for (const [m, weight] of totalBadDistribution(n1, p1, n0, p0)) {
    const interval = new ConditionedInterval(n1, n0, m);
    if (interval.degenerate) continue;
    information += weight * interval.informationAtOne;
    const { mean: ex, secondMoment: ex2 } = interval.moments(trueLogPsi);
    const logZ1 = interval.logNormalizer(0);
    for (let j = 0; j < grid.length; j++) {
      // ln LR = a x + b with a = ln psi_j, b = ln Z(1) - ln Z(psi_j).
      const a = grid[j];
      const b = logZ1 - interval.logNormalizer(a);
      mean[j] += weight * (a * ex + b);
      second[j] += weight * (a * a * ex2 + 2 * a * b * ex + b * b);
    }
  }
  const variance = Float64Array.from(mean, (mu, j) => Math.max(0, second[j] - mu * mu));
  return { mean, variance, information, canaryRequests: n1, requests: n1 + n0 };
}

/** Where a count test's evidence stands: settled windows and the open one (see ClientMixLikelihood). */
export interface EvidenceState {
  readonly settled: Float64Array;
  readonly open: Float64Array;
  readonly openInformation: number;
  readonly openCanaryRequests: number;
  readonly openRequests: number;
  /** Index of the open stickiness window (floor(t / stickinessSeconds)). */
  readonly openWindow: number;
  readonly heterogeneity: number;
  readonly stickinessSeconds: number;
}

/**
 * The count test's tempered log-likelihood ratios projected forward, interval by interval: their mean
 * and variance per grid point under expected traffic. Windows are tempered exactly as the test does
 * (eta from the window's expected information and share), so the planner and the forecast describe
 * the test that runs. Starting from a test's state, what has been observed is fixed (variance 0).
 */
export class EvidencePath {
  private readonly settledMean: Float64Array;
  private readonly settledVariance: Float64Array;
  private readonly openMean: Float64Array;
  private readonly openVariance: Float64Array;
  private openInformation: number;
  private openCanaryRequests: number;
  private openRequests: number;
  private openWindow: number;
  private readonly heterogeneity: number;
  private readonly stickinessSeconds: number;

  constructor(start: EvidenceState) {
    this.settledMean = Float64Array.from(start.settled);
    this.settledVariance = new Float64Array(start.settled.length);
    this.openMean = Float64Array.from(start.open);
    this.openVariance = new Float64Array(start.open.length);
    this.openInformation = start.openInformation;
    this.openCanaryRequests = start.openCanaryRequests;
    this.openRequests = start.openRequests;
    this.openWindow = start.openWindow;
    this.heterogeneity = start.heterogeneity;
    this.stickinessSeconds = start.stickinessSeconds;
  }

  static empty(size: number, stickinessSeconds: number, heterogeneity: number): EvidencePath {
    const zeros = new Float64Array(size);
    return new EvidencePath({ settled: zeros, open: zeros, openInformation: 0, openCanaryRequests: 0, openRequests: 0, openWindow: 0, heterogeneity, stickinessSeconds });
  }

  /** Adds one expected interval ending at t seconds since the rollout started. */
  advance(moments: IntervalMoments, t: number): void {
    const window = this.stickinessSeconds > 0 ? Math.floor(t / this.stickinessSeconds) : 0;
    if (window > this.openWindow) {
      const eta = this.eta();
      for (let j = 0; j < this.settledMean.length; j++) {
        this.settledMean[j] += eta * this.openMean[j];
        this.settledVariance[j] += eta * eta * this.openVariance[j];
      }
      this.openMean.fill(0);
      this.openVariance.fill(0);
      this.openInformation = 0;
      this.openCanaryRequests = 0;
      this.openRequests = 0;
      this.openWindow = window;
    }
    for (let j = 0; j < this.openMean.length; j++) {
      this.openMean[j] += moments.mean[j];
      this.openVariance[j] += moments.variance[j];
    }
    this.openInformation += moments.information;
    this.openCanaryRequests += moments.canaryRequests;
    this.openRequests += moments.requests;
  }

  /** Mean of the tempered log-likelihood ratio per grid point. */
  mean(): Float64Array {
    const eta = this.eta();
    return Float64Array.from(this.settledMean, (v, j) => v + eta * this.openMean[j]);
  }

  /** Standard deviation of the tempered log-likelihood ratio per grid point. */
  sd(): Float64Array {
    const eta = this.eta();
    return Float64Array.from(this.settledVariance, (v, j) => Math.sqrt(v + eta * eta * this.openVariance[j]));
  }

  /**
   * Probability that the rollback evidence has crossed ln(1/alpha), approximated from below by the best
   * single grid point: ln(evidence) >= ln prior_j + S_j, and S_j is taken as normal.
   */
  rollbackPower(logPrior: Float64Array, alpha: number): number {
    const mean = this.mean();
    const sd = this.sd();
    let best = 0;
    for (let j = 0; j < mean.length; j++) {
      if (logPrior[j] === -Infinity) continue;
      const need = Math.log(1 / alpha) - logPrior[j];
      best = Math.max(best, sd[j] > 0 ? normalTail(need - mean[j], sd[j]) : mean[j] >= need ? 1 : 0);
    }
    return best;
  }

  private eta(): number {
    if (this.stickinessSeconds === 0 || this.openRequests === 0) return 1;
    return temperingFactor(this.heterogeneity * mixScale(this.openCanaryRequests / this.openRequests), this.openInformation);
  }
}

// P(N(0, sd^2) > gap).
function normalTail(gap: number, sd: number): number {
  return normalCdf(-gap / sd);
}

// Law of M = X + Y, X ~ Bin(n1, p1), Y ~ Bin(n0, p0): exact convolution while small, else 32 normal nodes.
function totalBadDistribution(n1: number, p1: number, n0: number, p0: number): Array<[number, number]> {
  const mu = n1 * p1 + n0 * p0;
  const variance = n1 * p1 * (1 - p1) + n0 * p0 * (1 - p0);
  if (mu < 60) {
    const x = binomialPmf(n1, p1);
    const y = binomialPmf(n0, p0);
    const out = new Map<number, number>();
    for (const [i, px] of x) for (const [k, py] of y) out.set(i + k, (out.get(i + k) ?? 0) + px * py);
    return [...out].filter(([, w]) => w > 1e-12);
  }
  const nodes = 32;
  const out: Array<[number, number]> = [];
  for (let q = 0; q < nodes; q++) {
    const m = Math.round(mu + Math.sqrt(variance) * normalQuantile((q + 0.5) / nodes));
    out.push([Math.min(n1 + n0, Math.max(0, m)), 1 / nodes]);
  }
  return out;
}

// Binomial pmf by recurrence from 0, truncated where the remaining mass is negligible.
function binomialPmf(n: number, p: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let pk = Math.exp(n * Math.log1p(-p));
  let total = 0;
  for (let k = 0; k <= n; k++) {
    if (pk > 1e-14) out.push([k, pk]);
    total += pk;
    if (total > 1 - 1e-13 && k > n * p) break;
    pk *= ((n - k) / (k + 1)) * (p / (1 - p));
  }
  return out;
}

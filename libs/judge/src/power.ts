import { ConditionedInterval } from './noncentral-hypergeometric';
import { DEFAULT_MAX_ODDS_RATIO, rollbackLogPrior } from './count-test';
import { buildOddsGrid } from './odds-grid';

export interface PowerPlanInput {
  /** Total requests per second over both fleets. Range (0, inf). */
  readonly rps: number;
  /** Canary share of traffic. Range (0, 1). */
  readonly canaryWeight: number;
  /** Baseline bad-request probability (e.g. 5xx rate). Range (0, 0.5]. */
  readonly baselineRate: number;
  /** Time allowed for the rollout, in minutes. Range (0, 1440]. */
  readonly minutes: number;
  /** Rollback level of the metric (its share of the budget). Range (0, 0.5). @default 0.01 */
  readonly alpha?: number;
  /** Judging interval in seconds. Range [1, 3600]. @default 10 */
  readonly intervalSeconds?: number;
  /** Required probability of rolling back a canary at the detectable odds ratio. Range [0.5, 0.99]. @default 0.8 */
  readonly power?: number;
  /** The regression the rollout must be able to catch, as an odds ratio. Range (1, 100]. @default 2 */
  readonly targetOddsRatio?: number;
  /** Must match the count test's maxOddsRatio for the plan to describe the same test. @default 30 */
  readonly maxOddsRatio?: number;
}

export interface PowerPlan {
  /** Smallest odds ratio rolled back with the requested power within the time allowed; null if none up to 100. */
  readonly minDetectableOddsRatio: number | null;
  readonly targetOddsRatio: number;
  /** True when the target regression is not detectable with the requested power in the time allowed. */
  readonly underpowered: boolean;
  /** Time at which the target regression is rolled back with the requested power; null if not within the time allowed. */
  readonly secondsToDetectTarget: number | null;
  readonly canaryRequestsPerInterval: number;
  readonly baselineRequestsPerInterval: number;
  readonly intervals: number;
  readonly method: string;
}

/**
 * Power of the rollback test, by a normal approximation of the log-evidence: for each grid point psi_j
 * of the rollback mixture, ln(evidence) >= ln prior_j + S_j(T), where S_j is a sum of T independent
 * per-interval log-likelihood ratios whose mean and variance are computed exactly under the true psi
 * (enumerating the total bad count and the noncentral hypergeometric law). Power is taken as the best
 * single psi_j and only at the end of the time allowed, so it is a slight underestimate (the mixture
 * and earlier crossings only help); the benchmark compares it with simulation.
 */
export function planPower(input: PowerPlanInput): PowerPlan {
  const alpha = input.alpha ?? 0.01;
  const intervalSeconds = input.intervalSeconds ?? 10;
  const power = input.power ?? 0.8;
  const target = input.targetOddsRatio ?? 2;
  const maxOddsRatio = input.maxOddsRatio ?? DEFAULT_MAX_ODDS_RATIO;
  check('rps', input.rps, input.rps > 0 && Number.isFinite(input.rps), '(0, inf)');
  check('canaryWeight', input.canaryWeight, input.canaryWeight > 0 && input.canaryWeight < 1, '(0, 1)');
  check('baselineRate', input.baselineRate, input.baselineRate > 0 && input.baselineRate <= 0.5, '(0, 0.5]');
  check('minutes', input.minutes, input.minutes > 0 && input.minutes <= 1440, '(0, 1440]');
  check('alpha', alpha, alpha > 0 && alpha < 0.5, '(0, 0.5)');
  check('intervalSeconds', intervalSeconds, intervalSeconds >= 1 && intervalSeconds <= 3600, '[1, 3600]');
  check('power', power, power >= 0.5 && power <= 0.99, '[0.5, 0.99]');
  check('targetOddsRatio', target, target > 1 && target <= 100, '(1, 100]');
  check('maxOddsRatio', maxOddsRatio, maxOddsRatio > 1.5 && maxOddsRatio <= 256, '(1.5, 256]');

  const n1 = Math.round(input.rps * input.canaryWeight * intervalSeconds);
  const n0 = Math.round(input.rps * (1 - input.canaryWeight) * intervalSeconds);
  const intervals = Math.floor((input.minutes * 60) / intervalSeconds);
  // The count test's grid with its default margin, so the plan describes the test that will run.
  const grid = buildOddsGrid({ include: [1.5, maxOddsRatio] });
  const logPrior = rollbackLogPrior(grid, maxOddsRatio);
  const model = { n1, n0, p0: input.baselineRate, grid: grid.logPsi, logPrior, threshold: Math.log(1 / alpha) };
  const powerAt = (logPsi: number, t: number): number => powerAfter(incrementMoments(model, logPsi), model, t);

  let minDetectable: number | null = null;
  const hi = Math.log(100);
  if (intervals > 0 && powerAt(hi, intervals) >= power) {
    let lo = 0;
    let top = hi;
    for (let i = 0; i < 30; i++) {
      const mid = (lo + top) / 2;
      if (powerAt(mid, intervals) >= power) top = mid;
      else lo = mid;
    }
    minDetectable = Math.exp(top);
  }
  const targetMoments = incrementMoments(model, Math.log(target));
  let secondsToDetect: number | null = null;
  for (let t = 1; t <= intervals; t++) {
    if (powerAfter(targetMoments, model, t) >= power) {
      secondsToDetect = t * intervalSeconds;
      break;
    }
  }
  return {
    minDetectableOddsRatio: minDetectable,
    targetOddsRatio: target,
    underpowered: secondsToDetect === null,
    secondsToDetectTarget: secondsToDetect,
    canaryRequestsPerInterval: n1,
    baselineRequestsPerInterval: n0,
    intervals,
    method: 'normal approximation of the rollback log-evidence (exact per-interval moments)',
  };
}

interface PowerModel {
  readonly n1: number;
  readonly n0: number;
  readonly p0: number;
  readonly grid: Float64Array;
  readonly logPrior: Float64Array;
  readonly threshold: number;
}

interface Moments {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
}

function powerAfter(moments: Moments, model: PowerModel, t: number): number {
  let best = 0;
  for (let j = 0; j < model.grid.length; j++) {
    if (model.logPrior[j] === -Infinity) continue;
    const need = model.threshold - model.logPrior[j];
    const sd = Math.sqrt(t * moments.variance[j]);
    const z = sd > 0 ? (t * moments.mean[j] - need) / sd : t * moments.mean[j] >= need ? Infinity : -Infinity;
    best = Math.max(best, normalCdf(z));
  }
  return best;
}

// Mean and variance of one interval's ln f_psi_j(X) / f_1(X) for every grid point, under the true psi.
function incrementMoments(model: PowerModel, trueLogPsi: number): Moments {
  const { n1, n0, p0, grid } = model;
  const odds1 = Math.exp(trueLogPsi) * (p0 / (1 - p0));
  const p1 = odds1 / (1 + odds1);
  const mean = new Float64Array(grid.length);
  const second = new Float64Array(grid.length);
  for (const [m, weight] of totalBadDistribution(n1, p1, n0, p0)) {
    const interval = new ConditionedInterval(n1, n0, m);
    if (interval.degenerate) continue;
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
  return { mean, variance };
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

function normalCdf(z: number): number {
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = 0.3989422804014327 * Math.exp((-z * z) / 2);
  const tail = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? 1 - tail : tail;
}

// Acklam's rational approximation (relative error < 1.2e-9), for the normal nodes above.
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

function check(field: string, value: number, ok: boolean, allowed: string): void {
  if (!ok) throw new RangeError(`${field} must be in ${allowed}; got ${value}`);
}

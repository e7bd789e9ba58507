import { type ClientMixOptions, mixScale, temperingFactor } from './client-mix';
import { logNormalCdf } from './normal';

/** Mean score of one fleet over an interval, from scores bounded in [0, 1]. */
export interface ScoreSummary {
  /** Number of scored requests. */
  readonly count: number;
  /** Sum of their scores, in [0, count]. */
  readonly sum: number;
}

export interface QualityScoreTestOptions {
  /** Rollback level for this metric (its share of the alpha budget). Range (0, 0.5). */
  readonly alpha: number;
  /** Promotion level. Range (0, 0.5). @default alpha */
  readonly promotionAlpha?: number;
  /** Non-inferiority margin: promote when canary mean > baseline mean - margin. Range (0, 0.5]. @default 0.05 */
  readonly margin?: number;
  /**
   * Precision of the normal mixture over the bet size, in units of summed inverse variance
   * (4 per scored pair). Smaller tunes the test for larger samples. Range (0, inf). @default 100
   */
  readonly mixturePrecision?: number;
  /**
   * Sticky routing: each stickiness window's evidence is discounted for the client-mix effect on the
   * mean difference, of variance (1/4) / (effectiveClients s (1 - s)) (client means of [0, 1] scores
   * vary by at most 1/4 around their average). @default no stickiness
   */
  readonly clientMix?: ClientMixOptions;
}

export interface QualityScoreState {
  /** Rollback e-value: evidence that the canary mean is below the baseline mean. */
  readonly rollbackEvidence: number;
  /** Promotion e-value: evidence that the canary mean exceeds baseline mean - margin. */
  readonly promotionEvidence: number;
  /** Precision-weighted mean difference (canary - baseline) and its (1 - alpha) confidence sequence. */
  readonly estimate: { readonly difference: number; readonly lower: number; readonly upper: number };
  readonly canary: ScoreSummary;
  readonly baseline: ScoreSummary;
  /** Standard deviation of the client-mix effect on the mean difference in the current stickiness window (0 without stickiness). */
  readonly clientMixSd: number;
}

/**
 * Anytime-valid comparison of mean scores in [0, 1], canary vs baseline, from interval summaries.
 *
 * Interval i gives D_i = canary mean - baseline mean. Scores in [0, 1] are 1/2-sub-Gaussian (Hoeffding),
 * so D_i - E[D_i] is sub-Gaussian with variance proxy v_i = (1/n_c + 1/n_b) / 4. With weights 1/v_i,
 * S = sum (D_i - d) / v_i and V = sum 1 / v_i, exp(l S - l^2 V / 2) is a supermartingale for every l >= 0
 * when E[D_i] <= d; a half-normal mixture over l gives the closed form used here. It is valid for any
 * score distribution in [0, 1] and conservative when the scores vary little; for pass/fail scores use a
 * count metric instead, which is exact.
 */
export class QualityScoreTest {
  readonly alpha: number;
  readonly promotionAlpha: number;
  readonly margin: number;
  private readonly rho: number;
  private readonly windowSeconds: number;
  private readonly heterogeneity: number;
  // Tempered sums over closed stickiness windows, and the open window's raw sums.
  private settledDifference = 0;
  private settledPrecision = 0;
  private openDifference = 0;
  private openPrecision = 0;
  private openWindow = 0;
  private openCanaryCount = 0;
  private openCount = 0;
  private updates = 0;
  private canaryCount = 0;
  private canarySum = 0;
  private baselineCount = 0;
  private baselineSum = 0;

  constructor(options: QualityScoreTestOptions) {
    this.alpha = options.alpha;
    this.promotionAlpha = options.promotionAlpha ?? options.alpha;
    this.margin = options.margin ?? 0.05;
    this.rho = options.mixturePrecision ?? 100;
    if (!(this.alpha > 0 && this.alpha < 0.5)) throw new RangeError(`alpha must be in (0, 0.5); got ${this.alpha}`);
    if (!(this.promotionAlpha > 0 && this.promotionAlpha < 0.5)) throw new RangeError(`promotionAlpha must be in (0, 0.5); got ${this.promotionAlpha}`);
    if (!(this.margin > 0 && this.margin <= 0.5)) throw new RangeError(`margin must be in (0, 0.5]; got ${this.margin}`);
    if (!(this.rho > 0 && Number.isFinite(this.rho))) throw new RangeError(`mixturePrecision must be a finite number > 0; got ${this.rho}`);
    this.windowSeconds = options.clientMix?.stickinessSeconds ?? 0;
    this.heterogeneity = options.clientMix ? 1 / options.clientMix.effectiveClients : 0;
  }

  /**
   * Adds one interval observed at t seconds since the rollout started (its stickiness window); returns
   * false (no change) when either fleet has no scored request.
   */
  update(canary: ScoreSummary, baseline: ScoreSummary, t = 0): boolean {
    if (canary.count === 0 || baseline.count === 0) return false;
    const window = this.windowSeconds > 0 ? Math.floor(t / this.windowSeconds) : 0;
    if (window > this.openWindow) {
      const eta = this.openEta();
      this.settledDifference += eta * this.openDifference;
      this.settledPrecision += eta * this.openPrecision;
      this.openDifference = 0;
      this.openPrecision = 0;
      this.openCanaryCount = 0;
      this.openCount = 0;
      this.openWindow = window;
    }
    const weight = 4 / (1 / canary.count + 1 / baseline.count);
    this.openDifference += weight * (canary.sum / canary.count - baseline.sum / baseline.count);
    this.openPrecision += weight;
    this.openCanaryCount += canary.count;
    this.openCount += canary.count + baseline.count;
    this.updates++;
    this.canaryCount += canary.count;
    this.canarySum += canary.sum;
    this.baselineCount += baseline.count;
    this.baselineSum += baseline.sum;
    return true;
  }

  /** ln e-value against H0: canary mean >= baseline mean (bets on the canary being worse). */
  logRollbackEvidence(): number {
    const [s, v] = this.tempered();
    return logHalfNormalMixture(-s, v, this.rho);
  }

  /** ln e-value against H0: canary mean <= baseline mean - margin. */
  logPromotionEvidence(): number {
    const [s, v] = this.tempered();
    return logHalfNormalMixture(s + this.margin * v, v, this.rho);
  }

  /**
   * ln promotion e-value expected once `intervals` more intervals (of intervalSeconds, from time t) of a
   * canary as good as the baseline have each added `precisionPerInterval` at this canary share: the
   * typical path, where the weighted difference stays where it is and the precision grows, tempered
   * per stickiness window as update() does.
   */
  forecastLogPromotionEvidence(input: { readonly precisionPerInterval: number; readonly canaryShare: number; readonly intervals: number; readonly t: number; readonly intervalSeconds: number }): number {
    let settledDifference = this.settledDifference;
    let settledPrecision = this.settledPrecision;
    let openDifference = this.openDifference;
    let openPrecision = this.openPrecision;
    let window = this.openWindow;
    let share = this.openCount > 0 ? this.openCanaryCount / this.openCount : input.canaryShare;
    const eta = () => (this.windowSeconds === 0 ? 1 : temperingFactor((this.heterogeneity * mixScale(share)) / 4, openPrecision));
    for (let i = 1; i <= input.intervals; i++) {
      const next = this.windowSeconds > 0 ? Math.floor((input.t + i * input.intervalSeconds) / this.windowSeconds) : 0;
      if (next > window) {
        settledDifference += eta() * openDifference;
        settledPrecision += eta() * openPrecision;
        openDifference = 0;
        openPrecision = 0;
        share = input.canaryShare;
        window = next;
      }
      openPrecision += input.precisionPerInterval;
    }
    const s = settledDifference + eta() * openDifference;
    const v = settledPrecision + eta() * openPrecision;
    return logHalfNormalMixture(s + this.margin * v, v, this.rho);
  }

  /** Average precision an interval with data has added so far (0 before any). */
  get precisionPerInterval(): number {
    return this.updates === 0 ? 0 : (this.settledPrecision + this.openPrecision) / this.updates;
  }

  state(): QualityScoreState {
    const [s, v] = this.tempered();
    const difference = v > 0 ? s / v : 0;
    // Two-sided normal-mixture boundary: |S - d V| < sqrt((V + rho) (2 ln(1/alpha) + ln((V + rho) / rho))).
    const radius = v > 0 ? Math.sqrt((v + this.rho) * (2 * Math.log(1 / this.alpha) + Math.log((v + this.rho) / this.rho))) / v : Infinity;
    return {
      rollbackEvidence: Math.exp(this.logRollbackEvidence()),
      promotionEvidence: Math.exp(this.logPromotionEvidence()),
      estimate: { difference, lower: Math.max(-1, difference - radius), upper: Math.min(1, difference + radius) },
      canary: { count: this.canaryCount, sum: this.canarySum },
      baseline: { count: this.baselineCount, sum: this.baselineSum },
      clientMixSd: Math.sqrt(this.mixVariance()),
    };
  }

  // The Gaussian random-effect marginal of a window is its likelihood to the power eta: S and V both scale.
  private tempered(): [number, number] {
    const eta = this.openEta();
    return [this.settledDifference + eta * this.openDifference, this.settledPrecision + eta * this.openPrecision];
  }

  private openEta(): number {
    return temperingFactor(this.mixVariance(), this.openPrecision);
  }

  private mixVariance(): number {
    if (this.windowSeconds === 0 || this.openCount === 0) return 0;
    return (this.heterogeneity * mixScale(this.openCanaryCount / this.openCount)) / 4;
  }
}

/**
 * ln of int_0^inf exp(l s - l^2 v / 2) 2 N(l; 0, 1/rho) dl
 *   = ln 2 + (1/2) ln(rho / (v + rho)) + s^2 / (2 (v + rho)) + ln Phi(s / sqrt(v + rho)).
 */
export function logHalfNormalMixture(s: number, v: number, rho: number): number {
  const z = s / Math.sqrt(v + rho);
  return Math.LN2 + 0.5 * Math.log(rho / (v + rho)) + (z * z) / 2 + logNormalCdf(z);
}

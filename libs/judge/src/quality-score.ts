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
  private weightedDifference = 0;
  private precision = 0;
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
  }

  /** Adds one interval; returns false (no change) when either fleet has no scored request. */
  update(canary: ScoreSummary, baseline: ScoreSummary): boolean {
    if (canary.count === 0 || baseline.count === 0) return false;
    const weight = 4 / (1 / canary.count + 1 / baseline.count);
    this.weightedDifference += weight * (canary.sum / canary.count - baseline.sum / baseline.count);
    this.precision += weight;
    this.canaryCount += canary.count;
    this.canarySum += canary.sum;
    this.baselineCount += baseline.count;
    this.baselineSum += baseline.sum;
    return true;
  }

  /** ln e-value against H0: canary mean >= baseline mean (bets on the canary being worse). */
  logRollbackEvidence(): number {
    return logHalfNormalMixture(-this.weightedDifference, this.precision, this.rho);
  }

  /** ln e-value against H0: canary mean <= baseline mean - margin. */
  logPromotionEvidence(): number {
    return logHalfNormalMixture(this.weightedDifference + this.margin * this.precision, this.precision, this.rho);
  }

  state(): QualityScoreState {
    const v = this.precision;
    const difference = v > 0 ? this.weightedDifference / v : 0;
    // Two-sided normal-mixture boundary: |S - d V| < sqrt((V + rho) (2 ln(1/alpha) + ln((V + rho) / rho))).
    const radius = v > 0 ? Math.sqrt((v + this.rho) * (2 * Math.log(1 / this.alpha) + Math.log((v + this.rho) / this.rho))) / v : Infinity;
    return {
      rollbackEvidence: Math.exp(this.logRollbackEvidence()),
      promotionEvidence: Math.exp(this.logPromotionEvidence()),
      estimate: { difference, lower: Math.max(-1, difference - radius), upper: Math.min(1, difference + radius) },
      canary: { count: this.canaryCount, sum: this.canarySum },
      baseline: { count: this.baselineCount, sum: this.baselineSum },
    };
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

/** ln Phi(z), accurate in both tails (erfc by Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
export function logNormalCdf(z: number): number {
  const x = -z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const logTail =
    Math.log(t) -
    x * x -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  // erfc(x) = exp(logTail) for x >= 0 and 2 - exp(logTail) for x < 0; Phi(z) = erfc(x) / 2.
  return x >= 0 ? logTail - Math.LN2 : Math.log1p(-Math.exp(logTail) / 2);
}

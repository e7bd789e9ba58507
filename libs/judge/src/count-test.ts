import { ClientMixLikelihood, type ClientMixOptions, MAX_STICKINESS_SECONDS } from './client-mix';
import { oddsRatioConfidenceSequence, type OddsRatioEstimate } from './confidence-sequence';
import { EvidencePath, intervalMoments } from './evidence-path';
import { ConditionedInterval } from './noncentral-hypergeometric';
import { logNonInferiorityEvidence, nonInferiorityPrior, type NonInferiorityPrior } from './non-inferiority';
import { buildOddsGrid, logMixture, type OddsGrid, type OddsGridOptions, tiltedLogPrior, uniformLogPrior } from './odds-grid';

/** Requests and bad requests (errors, timeouts, requests slower than a fixed threshold) of one fleet. */
export interface FleetCounts {
  readonly requests: number;
  readonly bad: number;
}

export interface CountTestOptions {
  /** Rollback level for this metric (its share of the alpha budget). Range (0, 0.5). */
  readonly alpha: number;
  /** Promotion level (false-promotion probability). Range (0, 0.5). @default alpha */
  readonly promotionAlpha?: number;
  /** Non-inferiority margin on the odds ratio. Range [1.05, 10]. @default 2 (DEFAULT_MARGIN) */
  readonly margin?: number;
  /** Largest odds ratio the rollback mixture bets on. Range (margin, grid max]. @default 30 */
  readonly maxOddsRatio?: number;
  readonly grid?: OddsGridOptions;
  /**
   * Sticky routing: evidence within one stickiness window is discounted for the client-mix effect.
   * @default no stickiness: every request routed on its own (the exact test of ADR 0005)
   */
  readonly clientMix?: ClientMixOptions;
}

export interface CountTestState {
  /** Rollback e-value: evidence that canary odds exceed baseline odds (H0: psi <= 1). */
  readonly rollbackEvidence: number;
  /** Promotion e-value: evidence that psi < margin (H0: psi >= margin). */
  readonly promotionEvidence: number;
  readonly estimate: OddsRatioEstimate;
  readonly canary: FleetCounts;
  readonly baseline: FleetCounts;
  /** Intervals that carried information (both fleets served and some bad request occurred). */
  readonly informativeIntervals: number;
  /** Standard deviation of the client-mix effect on ln(odds ratio) in the current stickiness window (0 without stickiness). */
  readonly clientMixSd: number;
}

export const DEFAULT_MAX_ODDS_RATIO = 30;

/**
 * Promotion's non-inferiority margin on the odds ratio: promote once the canary's error odds are shown
 * to be below twice the baseline's. 2 (ADR 0008, was 1.5): at the operator's default schedule, 100 rps
 * and 0.5% errors, 1.5 needs ~40 minutes under sticky routing; 2 promotes a healthy canary in ~15 and
 * still promotes a canary twice as bad at most promotionAlpha of the time (it sits on the null).
 */
export const DEFAULT_MARGIN = 2;

/**
 * The rollback mixture's prior: density on ln(psi) proportional to psi^(-1/2) over (1, max]. It leans
 * towards the modest regressions that take longest to see; large ones pay little for their smaller
 * share because their evidence grows fast (tuned on the benchmark: 2x median 660 s -> 590 s, 5x and
 * 20x unchanged, against a uniform prior up to 100).
 */
export function rollbackLogPrior(grid: OddsGrid, maxOddsRatio: number): Float64Array {
  return tiltedLogPrior(grid, 1, maxOddsRatio * 1.001, -0.5);
}

/**
 * Anytime-valid comparison of a bad-request proportion, canary vs baseline, conditioned on each
 * interval's total bad count (Fisher noncentral hypergeometric in the odds ratio psi).
 *
 * Rollback evidence = sum_j prior_j prod_i f_psi_j(x_i) / f_1(x_i) over grid points psi_j in (1, max].
 * Under psi = 1 every product is a martingale, so the mixture is; under psi < 1 each factor has
 * expectation <= 1 because f_psi_j / f_1 increases in x and X is stochastically smaller (monotone
 * likelihood ratio). Ville: P(evidence ever >= 1/alpha) <= alpha, however often it is looked at.
 *
 * With sticky routing (clientMix) each stickiness window's likelihood is raised to eta_k <= 1, the
 * random-effects marginal for the window's client-mix effect (ClientMixLikelihood); every output reads
 * the same tempered log-likelihoods.
 */
export class CountTest {
  readonly alpha: number;
  readonly promotionAlpha: number;
  readonly margin: number;
  private readonly grid: OddsGrid;
  // ln f_psi(x) / f_1(x) summed over intervals, one entry per grid point, tempered per stickiness window.
  private readonly likelihood: ClientMixLikelihood;
  private readonly rollbackLogPrior: Float64Array;
  private readonly fullLogPrior: Float64Array;
  private readonly promotion: NonInferiorityPrior;
  private canaryRequests = 0;
  private canaryBad = 0;
  private baselineRequests = 0;
  private baselineBad = 0;
  private informative = 0;

  constructor(options: CountTestOptions) {
    this.alpha = options.alpha;
    this.promotionAlpha = options.promotionAlpha ?? options.alpha;
    this.margin = options.margin ?? DEFAULT_MARGIN;
    checkRange('alpha', this.alpha, 0, 0.5);
    checkRange('promotionAlpha', this.promotionAlpha, 0, 0.5);
    if (!(this.margin >= 1.05 && this.margin <= 10)) throw new RangeError(`margin must be in [1.05, 10]; got ${this.margin}`);
    const maxOddsRatio = options.maxOddsRatio ?? DEFAULT_MAX_ODDS_RATIO;
    this.grid = buildOddsGrid({ ...options.grid, include: [...(options.grid?.include ?? []), this.margin, maxOddsRatio] });
    const gridMax = Math.exp(this.grid.logPsi[this.grid.logPsi.length - 1]);
    if (!(maxOddsRatio > this.margin && maxOddsRatio <= gridMax * (1 + 1e-6))) {
      throw new RangeError(`maxOddsRatio must be in (margin ${this.margin}, grid max ${gridMax}]; got ${maxOddsRatio}`);
    }
    const mix = options.clientMix ?? { stickinessSeconds: 0, effectiveClients: Infinity };
    if (!(mix.stickinessSeconds >= 0 && mix.stickinessSeconds <= MAX_STICKINESS_SECONDS)) throw new RangeError(`clientMix.stickinessSeconds must be in [0, ${MAX_STICKINESS_SECONDS}]; got ${mix.stickinessSeconds}`);
    if (!(mix.effectiveClients >= 1)) throw new RangeError(`clientMix.effectiveClients must be >= 1; got ${mix.effectiveClients}`);
    this.likelihood = new ClientMixLikelihood(this.grid, mix);
    this.rollbackLogPrior = rollbackLogPrior(this.grid, maxOddsRatio);
    this.fullLogPrior = uniformLogPrior(this.grid, 0, Infinity);
    this.promotion = nonInferiorityPrior(this.grid, this.margin);
  }

  /**
   * Adds one interval observed at t seconds since the rollout started (t places it in its stickiness
   * window; it may be omitted without stickiness). Returns false (and changes nothing but the totals)
   * when the interval carries no information: a fleet served nothing, or there was no bad request.
   */
  update(canary: FleetCounts, baseline: FleetCounts, t = 0): boolean {
    this.canaryRequests += canary.requests;
    this.canaryBad += canary.bad;
    this.baselineRequests += baseline.requests;
    this.baselineBad += baseline.bad;
    const interval = new ConditionedInterval(canary.requests, baseline.requests, canary.bad + baseline.bad);
    if (interval.degenerate) {
      this.likelihood.addRequests(canary.requests, baseline.requests, t);
      return false;
    }
    this.informative++;
    this.likelihood.add(interval, canary.bad, t);
    return true;
  }

  logRollbackEvidence(): number {
    const logLik = this.likelihood.logLikelihood();
    return logMixture(this.rollbackLogPrior, logLik) - logLik[this.grid.oneIndex];
  }

  logPromotionEvidence(): number {
    return logNonInferiorityEvidence(this.promotion, this.likelihood.logLikelihood());
  }

  /** MLE on the grid and the (1 - alpha) confidence sequence for the odds ratio. */
  estimate(): OddsRatioEstimate {
    return oddsRatioConfidenceSequence(this.grid, this.fullLogPrior, this.likelihood.logLikelihood(), this.alpha);
  }

  /**
   * Number of intervals after which the promotion evidence of a canary as good as the baseline is
   * expected to reach 1/promotionAlpha (the typical path: mean log-likelihoods, tempered per window as
   * update() does), at the given traffic and the baseline rate observed so far; 0 when it already has,
   * null when not within `intervals` or before any baseline request.
   */
  forecastPromotion(traffic: { readonly requestsPerSecond: number; readonly canaryShare: number; readonly intervalSeconds: number; readonly t: number; readonly intervals: number }): number | null {
    if (this.baselineRequests === 0) return null;
    // Half a bad request keeps a so-far clean baseline plannable.
    const baselineRate = Math.min(0.5, (this.baselineBad + 0.5) / (this.baselineRequests + 1));
    const { requestsPerSecond: rps, canaryShare, intervalSeconds } = traffic;
    const moments = intervalMoments(this.grid.logPsi, { canaryRequests: Math.round(rps * canaryShare * intervalSeconds), baselineRequests: Math.round(rps * (1 - canaryShare) * intervalSeconds), baselineRate }, 0);
    const path = new EvidencePath(this.likelihood.snapshot());
    const threshold = Math.log(1 / this.promotionAlpha);
    for (let k = 0; k <= traffic.intervals; k++) {
      if (k > 0) path.advance(moments, traffic.t + k * intervalSeconds);
      if (logNonInferiorityEvidence(this.promotion, path.mean()) >= threshold) return k;
    }
    return null;
  }

  state(): CountTestState {
    return {
      rollbackEvidence: Math.exp(this.logRollbackEvidence()),
      promotionEvidence: Math.exp(this.logPromotionEvidence()),
      estimate: this.estimate(),
      canary: { requests: this.canaryRequests, bad: this.canaryBad },
      baseline: { requests: this.baselineRequests, bad: this.baselineBad },
      informativeIntervals: this.informative,
      clientMixSd: this.likelihood.clientMixSd,
    };
  }
}

function checkRange(field: string, value: number, lo: number, hi: number): void {
  if (!(value > lo && value < hi)) throw new RangeError(`${field} must be in (${lo}, ${hi}); got ${value}`);
}

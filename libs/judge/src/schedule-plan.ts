import { DEFAULT_EFFECTIVE_CLIENTS, DEFAULT_STICKINESS_SECONDS, MAX_STICKINESS_SECONDS } from './client-mix';
import { DEFAULT_MARGIN, DEFAULT_MAX_ODDS_RATIO, rollbackLogPrior } from './count-test';
import { EvidencePath, type IntervalMoments, intervalMoments } from './evidence-path';
import { nonInferiorityPrior } from './non-inferiority';
import { buildOddsGrid, logMixture } from './odds-grid';
import { check, POWER_METHOD } from './power';

/** One step of a rollout as the planner sees it (structurally what libs/rollout's schedule holds). */
export interface PlannedStep {
  /** Canary share of requests. Range (0, 1). */
  readonly canaryShare: number;
  /** Minimum time at this share, seconds; the last step ends on promotion. Range [0, 86400]. */
  readonly minSeconds: number;
}

export interface SchedulePlanInput {
  /** Total requests per second over both fleets. Range (0, inf). */
  readonly rps: number;
  /** Baseline bad-request probability of the gating count metric (e.g. the 5xx rate). Range (0, 0.5]. */
  readonly baselineRate: number;
  /** Shares in increasing order. */
  readonly steps: readonly PlannedStep[];
  /** Judging interval in seconds. Range [1, 3600]. */
  readonly intervalSeconds: number;
  /** Rollback level of the metric (its share of the judge's budget). Range (0, 0.5). @default 0.01 */
  readonly alpha?: number;
  /** As JudgeConfig.promotionAlpha. Range (0, 0.5). @default 0.01 */
  readonly promotionAlpha?: number;
  /** As JudgeConfig.margin. Range [1.05, 10]. @default 2 */
  readonly margin?: number;
  /** As JudgeConfig.minCanaryRequests. Range [0, inf). @default 1000 */
  readonly minCanaryRequests?: number;
  /** As JudgeConfig.stickinessSeconds. Range [0, 604800]. @default 300 */
  readonly stickinessSeconds?: number;
  /** As JudgeConfig.effectiveClients. Range [1, inf). @default 50 */
  readonly effectiveClients?: number;
  /** The regression the schedule must catch before it would promote. Range (1, 100]. @default 2 */
  readonly targetOddsRatio?: number;
  /** Required probability of rolling the target back. Range [0.5, 0.99]. @default 0.8 */
  readonly power?: number;
  /** How long the last step may wait for promotion evidence, minutes. Range (0, 1440]. @default 120 */
  readonly maxMinutes?: number;
}

export interface PlannedStepTiming {
  readonly canaryShare: number;
  /** Seconds since the rollout started. */
  readonly startSeconds: number;
  /** Expected end: the minimum bake for every step but the last; for the last, the expected promotion (null: not within maxMinutes). */
  readonly endSeconds: number | null;
}

export interface SchedulePlan {
  readonly steps: readonly PlannedStepTiming[];
  /**
   * When a healthy canary (odds ratio 1) is expected to be promoted: the first interval, at the last
   * step, at which the typical path of every gate's promotion evidence (its mean log-likelihoods) has
   * reached 1/promotionAlpha with minCanaryRequests served. About the median; null when not within
   * maxMinutes.
   */
  readonly expectedSecondsToPromote: number | null;
  /** When the target regression is rolled back with the requested power; null when not within the schedule plus maxMinutes. */
  readonly secondsToDetectTarget: number | null;
  readonly targetOddsRatio: number;
  /** True when the target regression is not rolled back with the requested power within the schedule plus maxMinutes. */
  readonly underpowered: boolean;
  readonly method: string;
}

/**
 * The power planner applied to a step schedule: expected time per step and to promotion, and whether
 * the target regression is caught first. Promotion counts only at the last step (the operator's
 * rule), but the evidence of every step counts towards it.
 */
export function planSchedule(input: SchedulePlanInput): SchedulePlan {
  const alpha = input.alpha ?? 0.01;
  const promotionAlpha = input.promotionAlpha ?? 0.01;
  const margin = input.margin ?? DEFAULT_MARGIN;
  const minCanaryRequests = input.minCanaryRequests ?? 1000;
  const stickinessSeconds = input.stickinessSeconds ?? DEFAULT_STICKINESS_SECONDS;
  const effectiveClients = input.effectiveClients ?? DEFAULT_EFFECTIVE_CLIENTS;
  const target = input.targetOddsRatio ?? 2;
  const power = input.power ?? 0.8;
  const maxMinutes = input.maxMinutes ?? 120;
  const { rps, baselineRate, intervalSeconds, steps } = input;
  check('rps', rps, rps > 0 && Number.isFinite(rps), '(0, inf)');
  check('baselineRate', baselineRate, baselineRate > 0 && baselineRate <= 0.5, '(0, 0.5]');
  check('intervalSeconds', intervalSeconds, intervalSeconds >= 1 && intervalSeconds <= 3600, '[1, 3600]');
  check('alpha', alpha, alpha > 0 && alpha < 0.5, '(0, 0.5)');
  check('promotionAlpha', promotionAlpha, promotionAlpha > 0 && promotionAlpha < 0.5, '(0, 0.5)');
  check('margin', margin, margin >= 1.05 && margin <= 10, '[1.05, 10]');
  check('minCanaryRequests', minCanaryRequests, minCanaryRequests >= 0, '[0, inf)');
  check('stickinessSeconds', stickinessSeconds, stickinessSeconds >= 0 && stickinessSeconds <= MAX_STICKINESS_SECONDS, `[0, ${MAX_STICKINESS_SECONDS}]`);
  check('effectiveClients', effectiveClients, effectiveClients >= 1, '[1, inf)');
  check('targetOddsRatio', target, target > 1 && target <= 100, '(1, 100]');
  check('power', power, power >= 0.5 && power <= 0.99, '[0.5, 0.99]');
  check('maxMinutes', maxMinutes, maxMinutes > 0 && maxMinutes <= 1440, '(0, 1440]');
  if (steps.length === 0) throw new RangeError('steps must list at least one step');
  steps.forEach((step, i) => {
    check(`steps[${i}].canaryShare`, step.canaryShare, step.canaryShare > 0 && step.canaryShare < 1, '(0, 1)');
    check(`steps[${i}].minSeconds`, step.minSeconds, step.minSeconds >= 0 && step.minSeconds <= 86400, '[0, 86400]');
    if (i > 0 && !(step.canaryShare > steps[i - 1].canaryShare)) throw new RangeError(`steps[${i}].canaryShare must be larger than steps[${i - 1}].canaryShare; got ${step.canaryShare}`);
  });

  const grid = buildOddsGrid({ include: [margin, DEFAULT_MAX_ODDS_RATIO] });
  const promotion = nonInferiorityPrior(grid, margin);
  const rollback = rollbackLogPrior(grid, DEFAULT_MAX_ODDS_RATIO);
  const momentsAt = (share: number, logPsi: number): IntervalMoments =>
    intervalMoments(grid.logPsi, { canaryRequests: Math.round(rps * share * intervalSeconds), baselineRequests: Math.round(rps * (1 - share) * intervalSeconds), baselineRate }, logPsi);
  const healthy = steps.map((s) => momentsAt(s.canaryShare, 0));
  const regressed = steps.map((s) => momentsAt(s.canaryShare, Math.log(target)));
  const heterogeneity = 1 / effectiveClients;
  const healthyPath = EvidencePath.empty(grid.logPsi.length, stickinessSeconds, heterogeneity);
  const regressedPath = EvidencePath.empty(grid.logPsi.length, stickinessSeconds, heterogeneity);
  const lastStart = steps.slice(0, -1).reduce((sum, s) => sum + s.minSeconds, 0);
  const horizon = lastStart + maxMinutes * 60;

  let promoteAt: number | null = null;
  let detectAt: number | null = null;
  let canaryRequests = 0;
  for (let t = intervalSeconds; t <= horizon && (promoteAt === null || detectAt === null); t += intervalSeconds) {
    const step = stepAt(steps, t - intervalSeconds);
    healthyPath.advance(healthy[step], t);
    regressedPath.advance(regressed[step], t);
    canaryRequests += healthy[step].canaryRequests;
    if (detectAt === null && regressedPath.rollbackPower(rollback, alpha) >= power) detectAt = t;
    if (promoteAt === null && step === steps.length - 1 && canaryRequests >= minCanaryRequests) {
      const mean = healthyPath.mean();
      if (logMixture(promotion.logPrior, mean) - mean[promotion.marginIndex] >= Math.log(1 / promotionAlpha)) promoteAt = t;
    }
  }
  let start = 0;
  const timings = steps.map((s, i) => {
    const last = i === steps.length - 1;
    const timing = { canaryShare: s.canaryShare, startSeconds: start, endSeconds: last ? promoteAt : start + s.minSeconds };
    start += s.minSeconds;
    return timing;
  });
  return {
    steps: timings,
    expectedSecondsToPromote: promoteAt,
    secondsToDetectTarget: detectAt,
    targetOddsRatio: target,
    underpowered: detectAt === null,
    method: `promotion: typical path (mean log-likelihoods) of the non-inferiority evidence; rollback: ${POWER_METHOD}`,
  };
}

// Index of the step in force at t seconds since the rollout started (minimum bakes only).
function stepAt(steps: readonly PlannedStep[], t: number): number {
  let end = 0;
  for (let i = 0; i < steps.length - 1; i++) {
    end += steps[i].minSeconds;
    if (t < end) return i;
  }
  return steps.length - 1;
}

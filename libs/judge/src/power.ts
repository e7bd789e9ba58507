import { DEFAULT_EFFECTIVE_CLIENTS, DEFAULT_STICKINESS_SECONDS, MAX_STICKINESS_SECONDS } from './client-mix';
import { DEFAULT_MARGIN, DEFAULT_MAX_ODDS_RATIO, rollbackLogPrior } from './count-test';
import { EvidencePath, intervalMoments } from './evidence-path';
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
  /** As JudgeConfig.stickinessSeconds. Range [0, 604800]. @default 300 */
  readonly stickinessSeconds?: number;
  /** As JudgeConfig.effectiveClients. Range [1, inf). @default 50 */
  readonly effectiveClients?: number;
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

export const POWER_METHOD = 'normal approximation of the rollback log-evidence (exact per-interval moments, tempered per stickiness window as the test is)';

/**
 * Power of the rollback test, by a normal approximation of the log-evidence: for each grid point psi_j
 * of the rollback mixture, ln(evidence) >= ln prior_j + S_j(T), where S_j is the tempered sum of
 * per-interval log-likelihood ratios whose means and variances are computed exactly under the true psi
 * (EvidencePath). Power is taken as the best single psi_j, so it is a slight underestimate (the mixture
 * and earlier crossings only help); the benchmark compares it with simulation. Traffic is taken as
 * independent requests: a clustered mix only lowers power further, which the tempering already prices in.
 */
export function planPower(input: PowerPlanInput): PowerPlan {
  const alpha = input.alpha ?? 0.01;
  const intervalSeconds = input.intervalSeconds ?? 10;
  const power = input.power ?? 0.8;
  const target = input.targetOddsRatio ?? 2;
  const maxOddsRatio = input.maxOddsRatio ?? DEFAULT_MAX_ODDS_RATIO;
  const stickinessSeconds = input.stickinessSeconds ?? DEFAULT_STICKINESS_SECONDS;
  const effectiveClients = input.effectiveClients ?? DEFAULT_EFFECTIVE_CLIENTS;
  check('rps', input.rps, input.rps > 0 && Number.isFinite(input.rps), '(0, inf)');
  check('canaryWeight', input.canaryWeight, input.canaryWeight > 0 && input.canaryWeight < 1, '(0, 1)');
  check('baselineRate', input.baselineRate, input.baselineRate > 0 && input.baselineRate <= 0.5, '(0, 0.5]');
  check('minutes', input.minutes, input.minutes > 0 && input.minutes <= 1440, '(0, 1440]');
  check('alpha', alpha, alpha > 0 && alpha < 0.5, '(0, 0.5)');
  check('intervalSeconds', intervalSeconds, intervalSeconds >= 1 && intervalSeconds <= 3600, '[1, 3600]');
  check('power', power, power >= 0.5 && power <= 0.99, '[0.5, 0.99]');
  check('targetOddsRatio', target, target > 1 && target <= 100, '(1, 100]');
  check('maxOddsRatio', maxOddsRatio, maxOddsRatio > DEFAULT_MARGIN && maxOddsRatio <= 256, `(${DEFAULT_MARGIN}, 256]`);
  check('stickinessSeconds', stickinessSeconds, stickinessSeconds >= 0 && stickinessSeconds <= MAX_STICKINESS_SECONDS, `[0, ${MAX_STICKINESS_SECONDS}]`);
  check('effectiveClients', effectiveClients, effectiveClients >= 1, '[1, inf)');

  const traffic = {
    canaryRequests: Math.round(input.rps * input.canaryWeight * intervalSeconds),
    baselineRequests: Math.round(input.rps * (1 - input.canaryWeight) * intervalSeconds),
    baselineRate: input.baselineRate,
  };
  const intervals = Math.floor((input.minutes * 60) / intervalSeconds);
  // The count test's grid with its default margin, so the plan describes the test that will run.
  const grid = buildOddsGrid({ include: [DEFAULT_MARGIN, maxOddsRatio] });
  const logPrior = rollbackLogPrior(grid, maxOddsRatio);
  // The path of the rollback evidence under a true ln psi; `look` is asked after every interval (or only at the end).
  const firstReached = (logPsi: number, everyInterval: boolean): number | null => {
    const moments = intervalMoments(grid.logPsi, traffic, logPsi);
    const path = EvidencePath.empty(grid.logPsi.length, stickinessSeconds, 1 / effectiveClients);
    for (let i = 1; i <= intervals; i++) {
      path.advance(moments, i * intervalSeconds);
      if ((everyInterval || i === intervals) && path.rollbackPower(logPrior, alpha) >= power) return i;
    }
    return null;
  };

  let minDetectable: number | null = null;
  const hi = Math.log(100);
  // Power grows with time, so "detectable within the time allowed" is read at its end.
  const detectableAt = (logPsi: number): boolean => firstReached(logPsi, false) !== null;
  if (intervals > 0 && detectableAt(hi)) {
    let lo = 0;
    let top = hi;
    for (let i = 0; i < 20; i++) {
      const mid = (lo + top) / 2;
      if (detectableAt(mid)) top = mid;
      else lo = mid;
    }
    minDetectable = Math.exp(top);
  }
  const detectInterval = firstReached(Math.log(target), true);
  return {
    minDetectableOddsRatio: minDetectable,
    targetOddsRatio: target,
    underpowered: detectInterval === null,
    secondsToDetectTarget: detectInterval === null ? null : detectInterval * intervalSeconds,
    canaryRequestsPerInterval: traffic.canaryRequests,
    baselineRequestsPerInterval: traffic.baselineRequests,
    intervals,
    method: POWER_METHOD,
  };
}

export function check(field: string, value: number, ok: boolean, allowed: string): void {
  if (!ok) throw new RangeError(`${field} must be in ${allowed}; got ${value}`);
}

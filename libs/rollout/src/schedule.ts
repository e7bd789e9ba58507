import { formatShare, MAX_CANARY_PER_MILLE, MIN_CANARY_PER_MILLE, parseSharePercent } from '@canaryfleet/traffic-state';
import { formatDuration, parseDuration } from './duration';

/** One step of a rollout: the canary's share, held at least `minBakeSeconds` before the next step. */
export interface RolloutStep {
  /** Share of requests, per mille (1 = 0.1 %). */
  readonly canaryPerMille: number;
  /** Minimum time at this share; a rollback decision ends a step at once, the last ends on promotion. */
  readonly minBakeSeconds: number;
}

/** The steps of canary share, and how often the judge looks. The one definition (issue: one home). */
export interface RolloutSchedule {
  readonly steps: readonly RolloutStep[];
  /** Length of one judged interval, seconds. */
  readonly intervalSeconds: number;
}

export const BAKE_SECONDS_RANGE = { min: 0, max: 24 * 3600 } as const;
export const INTERVAL_SECONDS_RANGE = { min: 1, max: 600 } as const;

/**
 * The schedule `canary start` uses without `--steps`, `--bake` and `--interval`. Bakes of 1 minute (were
 * 2): the judge's evidence, not the bake, decides how long a share is held before promotion, and the
 * shorter ramp reaches 50 % three minutes sooner, which the median time to promote a healthy canary
 * at 100 rps and 0.5 % errors needs to stay within 15 minutes (bench/results/judge.json, ADR 0008).
 */
export const DEFAULT_SCHEDULE: RolloutSchedule = {
  steps: [10, 50, 250, 500].map((canaryPerMille) => ({ canaryPerMille, minBakeSeconds: 60 })),
  intervalSeconds: 60,
};

export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

/** Checks a schedule; throws a ScheduleError naming the field, the value and what is allowed. */
export function validateSchedule(schedule: RolloutSchedule): RolloutSchedule {
  if (schedule.steps.length === 0) throw new ScheduleError('steps = []: must list at least one canary share');
  schedule.steps.forEach((step, i) => {
    const share = step.canaryPerMille;
    if (!Number.isInteger(share) || share < MIN_CANARY_PER_MILLE || share > MAX_CANARY_PER_MILLE) {
      throw new ScheduleError(
        `steps[${i}] = ${Number.isInteger(share) ? formatShare(share) : share}: must be a share from ${formatShare(MIN_CANARY_PER_MILLE)} to ${formatShare(MAX_CANARY_PER_MILLE)} (100 % is the promotion itself: the judge needs a baseline to compare with)`,
      );
    }
    if (i > 0 && share <= schedule.steps[i - 1].canaryPerMille) {
      throw new ScheduleError(`steps[${i}] = ${formatShare(share)}: must be larger than steps[${i - 1}] (${formatShare(schedule.steps[i - 1].canaryPerMille)}); shares only increase`);
    }
    const bake = step.minBakeSeconds;
    if (!Number.isInteger(bake) || bake < BAKE_SECONDS_RANGE.min || bake > BAKE_SECONDS_RANGE.max) {
      throw new ScheduleError(`steps[${i}].minBakeSeconds = ${bake}: must be a whole number of seconds from ${BAKE_SECONDS_RANGE.min} to ${formatDuration(BAKE_SECONDS_RANGE.max)}`);
    }
  });
  const interval = schedule.intervalSeconds;
  if (!Number.isInteger(interval) || interval < INTERVAL_SECONDS_RANGE.min || interval > INTERVAL_SECONDS_RANGE.max) {
    throw new ScheduleError(`interval = ${interval} s: must be a whole number of seconds from ${INTERVAL_SECONDS_RANGE.min} to ${INTERVAL_SECONDS_RANGE.max}`);
  }
  return schedule;
}

/** The schedule from what a person types: `--steps 0.1,1,5,25,50 --bake 2m --interval 60s`; unset parts default. */
export function parseSchedule(input: { readonly steps?: string; readonly bake?: string; readonly interval?: string }): RolloutSchedule {
  const bake = input.bake === undefined ? undefined : parseDuration(input.bake, '--bake');
  const shares = input.steps === undefined ? DEFAULT_SCHEDULE.steps.map((s) => s.canaryPerMille) : input.steps.split(',').map((text, i) => parseScheduleShare(text, `--steps[${i}]`));
  const steps = shares.map((canaryPerMille, i) => ({ canaryPerMille, minBakeSeconds: bake ?? DEFAULT_SCHEDULE.steps[Math.min(i, DEFAULT_SCHEDULE.steps.length - 1)].minBakeSeconds }));
  const intervalSeconds = input.interval === undefined ? DEFAULT_SCHEDULE.intervalSeconds : parseDuration(input.interval, '--interval');
  return validateSchedule({ steps, intervalSeconds });
}

function parseScheduleShare(text: string, field: string): number {
  try {
    return parseSharePercent(text, field);
  } catch (error) {
    throw new ScheduleError((error as Error).message);
  }
}

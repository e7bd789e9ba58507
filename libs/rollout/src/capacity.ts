import type { RolloutSchedule } from './schedule';

/**
 * Instances the canary fleet needs before it carries step `stepIndex`: the stable fleet's capacity
 * scaled by the share ratio (at least one), and the stable fleet's full capacity for the last step, so
 * the fleet that is promoted already serves at full size when the judge decides and no instance starts
 * after the analysis that promoted it (DESIGN.md #4).
 */
export function canaryCapacityFor(stepIndex: number, schedule: RolloutSchedule, stableDesired: number, maxCapacity: number): number {
  const full = Math.min(Math.max(1, stableDesired), maxCapacity);
  if (stepIndex >= schedule.steps.length - 1) return full;
  const share = schedule.steps[Math.max(0, stepIndex)].canaryPerMille;
  return Math.min(full, Math.max(1, Math.ceil((stableDesired * share) / (1000 - share))));
}

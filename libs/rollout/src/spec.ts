import type { FleetColour, Release, RoutingPolicy, RoutingTargets } from '@canaryfleet/traffic-state';
import type { RolloutSchedule } from './schedule';

/**
 * Time limits of a rollout, seconds. Every one is configurable so tests and the local environment can
 * run the production code path with short intervals; the defaults are for a real account.
 */
export interface RolloutLimits {
  /** The canary fleet must have every requested target healthy within this. @default 900 */
  readonly healthyTimeoutSeconds: number;
  /**
   * Every requested canary target must stay healthy this long before the canary carries a share (as
   * Kubernetes' minReadySeconds): a model server can pass its first health checks and then die loading
   * the rest of the model. @default 30
   */
  readonly minHealthySeconds: number;
  /** A traffic move must read back equal to its rendered actions within this, per attempt. @default 30 */
  readonly verifyTimeoutSeconds: number;
  /** Attempts of a traffic move before it counts as failed (then: roll back). @default 3 */
  readonly verifyAttempts: number;
  /**
   * The longest a canary may carry a share without credible evidence reaching the judge; past it the
   * rollout rolls back (docs/adr/0011-the-operator.md states the end-to-end bound). @default 900
   */
  readonly maxUnjudgedSeconds: number;
  /** Canary metrics short of what the share and traffic expect for this long: pause and notify. @default 600 */
  readonly metricsShortfallPauseSeconds: number;
  /** How long after an interval ends its metrics are complete (CloudWatch publishes ALB metrics ~1 min late). @default 120 */
  readonly metricsSettleSeconds: number;
  /** The target groups' deregistration delay: how long a fleet that lost its traffic drains. */
  readonly drainSeconds: number;
  /**
   * The longest a fenced-out writer's in-flight SSM or ELBv2 write can still land after its journal
   * write (ADR 0012: SDK attempts x request timeout + backoff). A rollout's last traffic move is read
   * back for at least this long before it finishes, so such a write is caught. @default 180
   */
  readonly fencedWriteWindowSeconds: number;
}

export const DEFAULT_LIMITS: Omit<RolloutLimits, 'drainSeconds'> = {
  healthyTimeoutSeconds: 900,
  minHealthySeconds: 30,
  verifyTimeoutSeconds: 30,
  verifyAttempts: 3,
  maxUnjudgedSeconds: 900,
  metricsShortfallPauseSeconds: 600,
  metricsSettleSeconds: 120,
  fencedWriteWindowSeconds: 180,
};

export const LIMIT_RANGES: Readonly<Record<keyof RolloutLimits, { readonly min: number; readonly max: number }>> = {
  healthyTimeoutSeconds: { min: 1, max: 3600 },
  minHealthySeconds: { min: 0, max: 3600 },
  verifyTimeoutSeconds: { min: 1, max: 600 },
  verifyAttempts: { min: 1, max: 10 },
  maxUnjudgedSeconds: { min: 10, max: 6 * 3600 },
  metricsShortfallPauseSeconds: { min: 1, max: 6 * 3600 },
  metricsSettleSeconds: { min: 0, max: 900 },
  drainSeconds: { min: 0, max: 3600 },
  fencedWriteWindowSeconds: { min: 0, max: 3600 },
};

/** Which CloudWatch series the judge reads (docs/rollout.md, "Metrics"). */
export interface MetricSources {
  /** Fleet-published counts (libs/fleet-metrics, Route=weighted): slow requests and quality scores. */
  readonly fleet: boolean;
  /**
   * Slow requests from ALB's TargetResponseTime as the trimmed count `TC(threshold:)` (AWS only; moto
   * cannot answer percentile statistics). Used when `fleet` is false; null: no slow-request metric.
   */
  readonly albSlowThresholdSeconds: number | null;
}

/** Everything a rollout was started with; it never changes after `start`. */
export interface RolloutSpec {
  readonly rolloutId: string;
  readonly environment: string;
  /** What the canary fleet runs. */
  readonly release: Release;
  /** The fleet that runs the canary: the one that was idle when the rollout started. */
  readonly canary: FleetColour;
  readonly schedule: RolloutSchedule;
  readonly limits: RolloutLimits;
  readonly metricSources: MetricSources;
  readonly routing: { readonly targets: RoutingTargets; readonly policy: RoutingPolicy };
  /** The most instances a fleet may have (outputs `fleet_capacity.max`). */
  readonly maxCapacity: number;
  /** The stable fleet's floor (outputs `fleet_capacity.min`): the promoted fleet keeps at least this many. */
  readonly minCapacity: number;
  /** Alarm names per fleet colour and kind (outputs `alarm_names`). */
  readonly alarms: Readonly<Record<FleetColour, Readonly<Record<string, string>>>>;
  /** Alarm kinds that fire by design while instances warm up; they count once the canary was healthy. */
  readonly warmupAlarmKinds: readonly string[];
  readonly startedBy: string;
  readonly startedAt: string;
}

export class RolloutSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RolloutSpecError';
  }
}

/** Checks one limit; the error names the field, the value and the allowed range. */
export function validateLimit(field: keyof RolloutLimits, value: number): number {
  const range = LIMIT_RANGES[field];
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new RolloutSpecError(`limits.${field} = ${JSON.stringify(value)}: must be a whole number from ${range.min} to ${range.max}`);
  }
  return value;
}

/** Checks the limits; the error names the field, the value and the allowed range. */
export function validateLimits(limits: RolloutLimits): RolloutLimits {
  for (const field of Object.keys(LIMIT_RANGES) as (keyof RolloutLimits)[]) validateLimit(field, limits[field]);
  return limits;
}

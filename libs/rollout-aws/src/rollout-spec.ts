import { DEFAULT_LIMITS, validateLimits, validateSchedule, type MetricSources, type RolloutLimits, type RolloutSchedule, type RolloutSpec } from '@canaryfleet/rollout';
import type { FleetColour, Release } from '@canaryfleet/traffic-state';
import { routingOf, type OperatorEnvironment } from './operator-environment';
import { metricSourcesOf } from './operator-ports';

/** Alarm kinds that fire by design while instances boot (libs/observability names them in `alarm_names`). */
export const WARMUP_ALARM_KINDS = ['unhealthy_hosts'] as const;

export interface SpecInput {
  readonly rolloutId: string;
  readonly release: Release;
  readonly canary: FleetColour;
  readonly schedule: RolloutSchedule;
  readonly startedBy: string;
  readonly startedAt: string;
  /** Shorter limits for tests and the local environment; the code path stays the production one. */
  readonly limits?: Partial<RolloutLimits>;
  readonly metricSources?: MetricSources;
}

/** A rollout's spec from the environment's outputs and what the person asked for; validated. */
export function buildRolloutSpec(environment: OperatorEnvironment, input: SpecInput): RolloutSpec {
  const { outputs } = environment;
  const limits = validateLimits({ ...DEFAULT_LIMITS, drainSeconds: outputs.deregistration_delay_seconds, ...input.limits });
  return {
    rolloutId: input.rolloutId,
    environment: environment.name,
    release: input.release,
    canary: input.canary,
    schedule: validateSchedule(input.schedule),
    limits,
    metricSources: input.metricSources ?? metricSourcesOf(environment),
    routing: routingOf(environment),
    maxCapacity: outputs.fleet_capacity.max,
    minCapacity: outputs.fleet_capacity.min,
    alarms: outputs.alarm_names,
    warmupAlarmKinds: [...WARMUP_ALARM_KINDS],
    startedBy: input.startedBy,
    startedAt: input.startedAt,
  };
}

/**
 * What happened in a rollout, one event per fact. `reason` is a stable, greppable string (as Kubernetes
 * and Argo Rollouts events have): scripts and people search logs and the journal by it, so a reason
 * is never renamed, only added.
 */
export const EVENT_REASONS = [
  'RolloutStarted',
  'ReleaseWritten',
  'CapacityRequested',
  'CanaryHealthy',
  'CanaryHealthTimeout',
  'TrafficMoveStarted',
  'TrafficVerified',
  'TrafficVerifyRetry',
  'TrafficVerifyFailed',
  'StepStarted',
  'IntervalJudged',
  'MetricsShortfall',
  'MetricsRecovered',
  'CanaryAlarm',
  'WarmupAlarmIgnored',
  'JudgeRollback',
  'JudgePromote',
  'PromoteRequested',
  'PromotedWithoutAnalysis',
  'UnjudgedTooLong',
  'ListenerChangedExternally',
  'TrafficStateChangedExternally',
  'TrafficStateRevisionWentBackwards',
  'TrafficStateUnreadable',
  'ExternalChangeOverwritten',
  'Paused',
  'Resumed',
  'AbortRequested',
  'Promoted',
  'RolledBack',
  'Draining',
  'FleetScaledToZero',
  'Finished',
] as const;
export type EventReason = (typeof EVENT_REASONS)[number];

export type EventSeverity = 'info' | 'warning' | 'critical';

export interface RolloutEvent {
  /** ISO 8601 UTC. */
  readonly at: string;
  readonly rolloutId: string;
  readonly reason: EventReason;
  readonly severity: EventSeverity;
  /** One sentence a person reads. */
  readonly message: string;
  /** The step index (0-based) and share (per mille) current when it happened. */
  readonly step: number;
  readonly canaryPerMille: number;
  /** Whether it goes to the environment's SNS topic (start, each step, pause, promotion, rollback). */
  readonly notify: boolean;
  /** Facts a machine reads (differences, evidence, durations); documented per reason in docs/rollout.md. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Reasons that page a person through the SNS topic. */
export const NOTIFIED_REASONS: ReadonlySet<EventReason> = new Set<EventReason>([
  'RolloutStarted',
  'StepStarted',
  'Paused',
  'TrafficVerifyFailed',
  'Promoted',
  'RolledBack',
  'Finished',
]);

const CRITICAL: ReadonlySet<EventReason> = new Set<EventReason>(['CanaryAlarm', 'JudgeRollback', 'UnjudgedTooLong', 'CanaryHealthTimeout', 'TrafficVerifyFailed', 'RolledBack', 'AbortRequested']);
const WARNING: ReadonlySet<EventReason> = new Set<EventReason>([
  'TrafficVerifyRetry',
  'MetricsShortfall',
  'WarmupAlarmIgnored',
  'PromotedWithoutAnalysis',
  'ListenerChangedExternally',
  'TrafficStateChangedExternally',
  'TrafficStateRevisionWentBackwards',
  'TrafficStateUnreadable',
  'ExternalChangeOverwritten',
  'Paused',
]);

export function severityOf(reason: EventReason): EventSeverity {
  if (CRITICAL.has(reason)) return 'critical';
  return WARNING.has(reason) ? 'warning' : 'info';
}

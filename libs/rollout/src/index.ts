// The rollout operator's logic, pure (DESIGN.md #10): the schedule, the spec and record, the events,
// and the one `reconcile` step. No AWS here: libs/rollout-aws drives it with the AWS adapters.
export { DEFAULT_SCHEDULE, BAKE_SECONDS_RANGE, INTERVAL_SECONDS_RANGE, ScheduleError, validateSchedule, parseSchedule, type RolloutSchedule, type RolloutStep } from './schedule';
export { parseDuration, formatDuration } from './duration';
export { EVENT_REASONS, NOTIFIED_REASONS, severityOf, type EventReason, type EventSeverity, type RolloutEvent } from './events';
export { DEFAULT_LIMITS, LIMIT_RANGES, RolloutSpecError, validateLimit, validateLimits, type RolloutLimits, type RolloutSpec, type MetricSources } from './spec';
export { initialRecord, type RolloutRecord, type Stage, type MoveKind, type PendingMove, type Outcome, type PersonRequests } from './record';
export type { Observations, ObservedTrafficState, TargetHealthCounts, FleetObservation, AlarmObservation, AlarmState, MetricDatapoint, MetricKey, MetricSource, Command, CommandKind } from './observations';
export type { RolloutAction } from './actions';
export { reconcile, type ReconcileInput, type ReconcileResult } from './reconcile';
export { OPERATOR_WRITER, isoSeconds, epochSeconds } from './tick';
export { CanaryJudge, JUDGED_METRICS, QUALITY_MARGIN, judgeConfig, intervalObservation, summarizeDecision, planSchedule, type JudgeSummary, type MetricEvidence, type SchedulePlan, type StepPlan } from './canary-judge';
export type { JudgedInterval } from './judged-interval';
export { dueIntervals, assembleIntervals, metricsQueryStart, type IntervalCounts, type SourceCounts, type AssembledInterval, type IntervalGrid } from './metric-intervals';
export { canaryRequestShortfall, shortfallFloorPerMille, SHORTFALL_ALPHA, SHORTFALL_SHARE_TOLERANCE, type ShortfallCheck } from './metrics-shortfall';
export { canaryCapacityFor } from './capacity';
export { documentDifferences, sameDocument } from './traffic-documents';
export { rolloutStatus, expectedSecondsToDecision, type RolloutStatus } from './status';

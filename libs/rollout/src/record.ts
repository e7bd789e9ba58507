import type { FleetColour, TrafficState } from '@canaryfleet/traffic-state';
import type { JudgeSummary } from './canary-judge';

/**
 * Where a rollout is:
 * - `release`: the canary's release is being written (AMI parameter, traffic state at 0 %);
 * - `warm-up`: the canary fleet scales for the next step and waits for healthy targets;
 * - `step`: the canary carries `schedule.steps[stepIndex]`, bakes and is judged;
 * - `promote` / `roll-back`: the move that ends the canary is in flight;
 * - `drain`: the fleet that lost its traffic drains (deregistration delay), then scales to zero;
 * - `finish`: the traffic state returns to idle;
 * - `done`.
 */
export type Stage = 'release' | 'warm-up' | 'step' | 'promote' | 'roll-back' | 'drain' | 'finish' | 'done';

export type MoveKind = 'release' | 'share' | 'promote' | 'roll-back' | 'finish' | 'reassert';

/** A traffic move committed to the journal and not yet read back equal to its target. */
export interface PendingMove {
  readonly kind: MoveKind;
  /** The document to write; the listener must read back equal to what it renders. */
  readonly target: TrafficState;
  /** When the current attempt's writes were issued. */
  readonly attemptStartedAt: string;
  /** When the move was decided (for the decision-to-verified time). */
  readonly decidedAt: string;
  readonly attempt: number;
}

export interface Outcome {
  readonly kind: 'promoted' | 'rolled-back';
  /** The event reason that decided it (JudgePromote, CanaryAlarm, AbortRequested, ...). */
  readonly cause: string;
  readonly message: string;
  readonly at: string;
  readonly by: string;
}

/** Requests persons made that the controller has taken in (commands). */
export interface PersonRequests {
  readonly promote: { readonly by: string; readonly reason: string; readonly skipAnalysis: boolean } | null;
  readonly abort: { readonly by: string; readonly reason: string } | null;
}

/** The rollout's durable status: the journal's head item; `reconcile` turns one into the next. */
export interface RolloutRecord {
  readonly rolloutId: string;
  readonly stage: Stage;
  /** Index into schedule.steps of the share the canary carries (or is moving to); -1 before the first. */
  readonly stepIndex: number;
  /** When the current step's share was read back on the listener: its bake starts there. */
  readonly stepStartedAt: string | null;
  /** The last traffic state this rollout wrote and read back; null before its first read. */
  readonly trafficState: TrafficState | null;
  readonly move: PendingMove | null;
  /**
   * The canary fleet's desired capacity this rollout asked for, and when; `targetsHealthySince`: since
   * when every requested target has been healthy in this warm-up (absent: not yet, or a record journaled
   * before it existed).
   */
  readonly capacity: { readonly desired: number; readonly requestedAt: string; readonly targetsHealthySince?: string | null } | null;
  /** When every requested canary target was first healthy: warm-up alarms count from then. */
  readonly healthySince: string | null;
  /** Judging: the interval grid's origin (epoch seconds), the last interval judged, the latest decision. */
  readonly judging: {
    readonly anchor: number | null;
    readonly intervalsJudged: number;
    /** End of the last judged interval (epoch seconds): data for earlier periods is late and ignored. */
    readonly watermark: number | null;
    /** End of the last interval whose canary metrics were credible (no shortfall). */
    readonly lastEvidenceAt: string | null;
    readonly latest: JudgeSummary | null;
    /** Requests in the current step, from the judged intervals: canary, and both fleets. */
    readonly stepRequests: { readonly canary: number; readonly total: number };
  };
  readonly shortfallSince: string | null;
  readonly paused: { readonly reason: string; readonly since: string; readonly by: string } | null;
  readonly requests: PersonRequests;
  /** Alarms already reported as warm-up alarms (reported once each). */
  readonly warmupAlarmsSeen: readonly string[];
  readonly outcome: Outcome | null;
  /** The fleet that lost its traffic and when its drain ends. */
  readonly drain: { readonly colour: FleetColour; readonly until: string; readonly scaledToZero: boolean } | null;
  /** Sequence number of the last command applied. */
  readonly commandsApplied: number;
}

export function initialRecord(rolloutId: string): RolloutRecord {
  return {
    rolloutId,
    stage: 'release',
    stepIndex: -1,
    stepStartedAt: null,
    trafficState: null,
    move: null,
    capacity: null,
    healthySince: null,
    judging: { anchor: null, intervalsJudged: 0, watermark: null, lastEvidenceAt: null, latest: null, stepRequests: { canary: 0, total: 0 } },
    shortfallSince: null,
    paused: null,
    requests: { promote: null, abort: null },
    warmupAlarmsSeen: [],
    outcome: null,
    drain: null,
    commandsApplied: 0,
  };
}

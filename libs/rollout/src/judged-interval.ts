import type { IntervalObservation } from '@canaryfleet/judge';
import type { JudgeSummary } from './canary-judge';
import type { IntervalCounts } from './metric-intervals';

/** One judged interval, as the journal keeps it: replayed into the judge on resume, charted in the report. */
export interface JudgedInterval {
  /** Epoch seconds, [start, end). */
  readonly start: number;
  readonly end: number;
  /** The verified share while it was judged, per mille. */
  readonly canaryPerMille: number;
  readonly counts: IntervalCounts;
  readonly observation: IntervalObservation;
  readonly decision: JudgeSummary;
}

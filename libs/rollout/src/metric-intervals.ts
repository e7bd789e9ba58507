import type { FleetColour } from '@canaryfleet/traffic-state';
import type { MetricDatapoint, MetricKey } from './observations';

export interface SourceCounts {
  readonly alb: { readonly requests: number; readonly errors: number; readonly slow: number };
  readonly fleet: { readonly requests: number; readonly errors: number; readonly slow: number; readonly qualitySum: number; readonly qualityCount: number };
}

/** Counts of one judged interval for the canary and the baseline (the stable fleet). */
export interface IntervalCounts {
  readonly canary: SourceCounts;
  readonly baseline: SourceCounts;
}

export interface AssembledInterval {
  /** Epoch seconds, [start, end). */
  readonly start: number;
  readonly end: number;
  readonly counts: IntervalCounts;
}

export interface IntervalGrid {
  /** Origin of the grid, epoch seconds. */
  readonly anchor: number;
  readonly intervalSeconds: number;
  /** End of the last judged interval; null before the first. */
  readonly watermark: number | null;
  readonly settleSeconds: number;
}

/** Intervals that have ended at least `settleSeconds` ago and are not judged yet, oldest first. */
export function dueIntervals(grid: IntervalGrid, now: number): { start: number; end: number }[] {
  const due: { start: number; end: number }[] = [];
  let start = grid.watermark ?? grid.anchor;
  while (start + grid.intervalSeconds + grid.settleSeconds <= now) {
    due.push({ start, end: start + grid.intervalSeconds });
    start += grid.intervalSeconds;
  }
  return due;
}

/** The first epoch second a GetMetricData query must cover for the next intervals: the period holding the watermark. */
export function metricsQueryStart(grid: IntervalGrid, periodSeconds: number): number {
  const from = grid.watermark ?? grid.anchor;
  return Math.floor(from / periodSeconds) * periodSeconds;
}

function zero(): { alb: Record<'requests' | 'errors' | 'slow', number>; fleet: Record<'requests' | 'errors' | 'slow' | 'qualitySum' | 'qualityCount', number> } {
  return { alb: { requests: 0, errors: 0, slow: 0 }, fleet: { requests: 0, errors: 0, slow: 0, qualitySum: 0, qualityCount: 0 } };
}

/**
 * Sums datapoints into the due intervals. A datapoint belongs to the interval holding its last second,
 * so a minute of ALB data lands in exactly one interval whatever the interval length; a missing
 * datapoint is zero requests. Datapoints whose last second is before the watermark belong to judged
 * intervals (counted already, or late): they are ignored, so nothing is ever counted twice and a
 * judged interval's evidence never changes.
 */
export function assembleIntervals(datapoints: readonly MetricDatapoint[], due: readonly { start: number; end: number }[], canary: FleetColour): AssembledInterval[] {
  const sums = due.map(() => ({ canary: zero(), baseline: zero() }));
  for (const point of datapoints) {
    const last = point.start + point.periodSeconds - 1;
    const index = due.findIndex((interval) => last >= interval.start && last < interval.end);
    if (index < 0) continue;
    const side = sums[index][point.colour === canary ? 'canary' : 'baseline'];
    const bucket = side[point.source] as Record<MetricKey, number>;
    if (point.metric in bucket) bucket[point.metric] += point.value;
  }
  return due.map((interval, i) => ({ ...interval, counts: sums[i] }));
}

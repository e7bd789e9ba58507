import { ROUTES, type FleetPeriodCounts, type Route } from '@canaryfleet/fleet-metrics';
import { periodStart } from '../periods';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function emptyCounts(): FleetPeriodCounts {
  return { requests: 0, errors: 0, slowRequests: 0, qualityScoreSum: 0, qualityScoreCount: 0 };
}

/** What one server counted, per route and metric period, until the period is published. */
export class RouteCounters {
  private readonly periods = new Map<number, Record<Route, Mutable<FleetPeriodCounts>>>();

  constructor(private readonly periodSeconds: number) {}

  record(route: Route, response: { readonly failed: boolean; readonly slow: boolean; readonly qualityScore?: number }, atMs = Date.now()): void {
    const start = periodStart(atMs, this.periodSeconds);
    let period = this.periods.get(start);
    if (!period) {
      period = { weighted: emptyCounts(), pinned: emptyCounts() };
      this.periods.set(start, period);
    }
    const counts = period[route];
    counts.requests += 1;
    if (response.failed) counts.errors += 1;
    if (response.slow) counts.slowRequests += 1;
    if (response.qualityScore !== undefined) {
      counts.qualityScoreSum += response.qualityScore;
      counts.qualityScoreCount += 1;
    }
  }

  /** Removes and returns a period's counts, zeros for a route without requests. */
  take(start: number): Record<Route, FleetPeriodCounts> {
    const period = this.periods.get(start);
    this.periods.delete(start);
    return Object.fromEntries(ROUTES.map((route) => [route, period?.[route] ?? emptyCounts()])) as Record<Route, FleetPeriodCounts>;
  }
}

import Table from 'cli-table3';
import * as hdr from 'hdr-histogram-js';

/** One row of the summary: a fleet and model version reached by one route (or the load balancer itself). */
export interface LoadSummaryRow {
  readonly fleet: string;
  readonly modelVersion: string;
  readonly route: string;
  readonly requests: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
}

export interface LoadSummary {
  readonly elapsedSeconds: number;
  readonly requests: number;
  readonly errors: number;
  readonly requestsPerSecond: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly rows: readonly LoadSummaryRow[];
}

/** What a response says about where it was served. */
export interface ServedBy {
  readonly fleet?: string;
  readonly modelVersion?: string;
  readonly route?: string;
}

interface Row {
  requests: number;
  errors: number;
  latency: hdr.Histogram;
}

/** Counts and latency percentiles of a load run, per fleet, model version and route. */
export class LoadRecorder {
  private readonly rows = new Map<string, Row>();
  private readonly statuses = new Map<string, number>();
  private requests = 0;
  private errors = 0;
  private readonly started = Date.now();

  /** `status` is undefined when the request failed without a response. */
  record(status: number | undefined, servedBy: ServedBy, latencyMs: number): void {
    const failed = status === undefined || status >= 500;
    const key = JSON.stringify([servedBy.fleet ?? '(load balancer)', servedBy.modelVersion ?? '-', servedBy.route ?? '-']);
    let row = this.rows.get(key);
    if (!row) {
      row = { requests: 0, errors: 0, latency: hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 }) };
      this.rows.set(key, row);
    }
    row.requests += 1;
    row.latency.recordValue(Math.max(1, Math.round(latencyMs)));
    this.requests += 1;
    const statusKey = status === undefined ? 'no response' : String(status);
    this.statuses.set(statusKey, (this.statuses.get(statusKey) ?? 0) + 1);
    if (failed) {
      row.errors += 1;
      this.errors += 1;
    }
  }

  summary(): LoadSummary {
    const elapsedSeconds = (Date.now() - this.started) / 1000;
    const rows = [...this.rows].map(([key, row]) => {
      const [fleet, modelVersion, route] = JSON.parse(key) as [string, string, string];
      return { fleet, modelVersion, route, requests: row.requests, errors: row.errors, p50Ms: row.latency.getValueAtPercentile(50), p90Ms: row.latency.getValueAtPercentile(90), p99Ms: row.latency.getValueAtPercentile(99) };
    });
    rows.sort((a, b) => b.requests - a.requests);
    return { elapsedSeconds, requests: this.requests, errors: this.errors, requestsPerSecond: this.requests / Math.max(elapsedSeconds, 0.001), statuses: Object.fromEntries(this.statuses), rows };
  }
}

/** The summary as a person reads it: a headline and one table row per fleet, model version and route. */
export function formatLoadSummary(summary: LoadSummary): string {
  const table = new Table({ head: ['fleet', 'model version', 'route', 'requests', 'errors', 'p50 ms', 'p90 ms', 'p99 ms'], style: { head: [], border: [] } });
  for (const row of summary.rows) {
    table.push([row.fleet, row.modelVersion, row.route, row.requests, `${row.errors} (${((100 * row.errors) / Math.max(row.requests, 1)).toFixed(1)} %)`, row.p50Ms, row.p90Ms, row.p99Ms]);
  }
  const statuses = Object.entries(summary.statuses).map(([status, count]) => `${status}: ${count}`).join(', ');
  return `${summary.elapsedSeconds.toFixed(0)} s: ${summary.requests} requests (${summary.requestsPerSecond.toFixed(0)}/s), ${summary.errors} errors; statuses ${statuses || 'none'}\n${table.toString()}\n`;
}

import type { CountObservation, IntervalObservation, ScoreObservation } from '../src/index';

/** A replay line that failed validation: the CLI prints `FILE:LINE: field: message`. */
export class ReplayLineError extends Error {
  constructor(
    readonly line: number,
    readonly field: string,
    readonly detail: string,
  ) {
    super(`line ${line}: ${field}: ${detail}`);
    this.name = 'ReplayLineError';
  }
}

export interface ReplayLine {
  readonly line: number;
  readonly observation: IntervalObservation;
  readonly hasLatency: boolean;
  readonly hasQuality: boolean;
}

const FLEETS = ['canary', 'baseline'] as const;
const FLEET_FIELDS = new Set(['requests', 'errors', 'slow', 'quality']);

/**
 * Parses one JSONL line: {"t", "canary": {"requests", "errors"?, "slow"?, "quality"?: {"count", "sum"}},
 * "baseline": {...}, "late"?: [{"t", "canary", "baseline"}]}. A missing "errors" with requests present
 * means zero errors (CloudWatch publishes no 5xx datapoint when there were none); a missing "slow" or
 * "quality" means that metric had no data. "late" carries data of earlier intervals (t before the
 * line's) that arrived since the previous line, each judged once as its own interval.
 */
export function parseReplayLine(text: string, line: number, previousT: number): ReplayLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ReplayLineError(line, '(json)', `not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ReplayLineError(line, '(json)', 'must be a JSON object');
  const record = value as Record<string, unknown>;
  const t = record.t;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new ReplayLineError(line, 't', `got ${JSON.stringify(t)}; must be a number of seconds >= 0`);
  if (!(t > previousT)) throw new ReplayLineError(line, 't', `got ${t}; must be greater than the previous line's t (${previousT})`);
  const own = parseInterval(record, line, '');
  const rawLate = record.late;
  if (rawLate !== undefined && !Array.isArray(rawLate)) throw new ReplayLineError(line, 'late', `got ${JSON.stringify(rawLate)}; must be a list of {"t", "canary", "baseline"}`);
  const late = (rawLate ?? []).map((entry: unknown, i: number) => {
    const at = `late[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ReplayLineError(line, at, `got ${JSON.stringify(entry)}; must be {"t", "canary", "baseline"}`);
    const lateT = (entry as Record<string, unknown>).t;
    if (typeof lateT !== 'number' || !Number.isFinite(lateT) || lateT < 0 || lateT >= t) throw new ReplayLineError(line, `${at}.t`, `got ${JSON.stringify(lateT)}; must be a number of seconds >= 0 before the line's t (${t})`);
    return { t: lateT, ...parseInterval(entry as Record<string, unknown>, line, `${at}.`) };
  });
  const observation: IntervalObservation = late.length === 0 ? { t, metrics: own.metrics } : { t, metrics: own.metrics, late: late.map((l) => ({ t: l.t, metrics: l.metrics })) };
  const all = [own, ...late];
  return { line, observation, hasLatency: all.some((i) => i.hasLatency), hasQuality: all.some((i) => i.hasQuality) };
}

interface ParsedInterval {
  readonly metrics: Record<string, CountObservation | ScoreObservation>;
  readonly hasLatency: boolean;
  readonly hasQuality: boolean;
}

function parseInterval(record: Record<string, unknown>, line: number, prefix: string): ParsedInterval {
  const fleets: Record<string, Record<string, unknown>> = {};
  for (const fleet of FLEETS) {
    const at = `${prefix}${fleet}`;
    const data = record[fleet];
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ReplayLineError(line, at, `got ${JSON.stringify(data)}; must be an object with "requests"`);
    const fields = data as Record<string, unknown>;
    for (const key of Object.keys(fields)) if (!FLEET_FIELDS.has(key)) throw new ReplayLineError(line, `${at}.${key}`, `unknown field; allowed: ${[...FLEET_FIELDS].join(', ')}`);
    const requests = count(line, `${at}.requests`, fields.requests);
    for (const key of ['errors', 'slow'] as const) {
      if (fields[key] === undefined) continue;
      const n = count(line, `${at}.${key}`, fields[key]);
      if (n > requests) throw new ReplayLineError(line, `${at}.${key}`, `got ${n}; must not exceed ${at}.requests (${requests})`);
    }
    if (fields.quality !== undefined) {
      const q = fields.quality;
      if (typeof q !== 'object' || q === null || Array.isArray(q)) throw new ReplayLineError(line, `${at}.quality`, `got ${JSON.stringify(q)}; must be {"count", "sum"}`);
      const quality = q as Record<string, unknown>;
      const n = count(line, `${at}.quality.count`, quality.count);
      const sum = quality.sum;
      if (typeof sum !== 'number' || !Number.isFinite(sum) || sum < 0 || sum > n) {
        throw new ReplayLineError(line, `${at}.quality.sum`, `got ${JSON.stringify(sum)}; must be a number in [0, ${at}.quality.count (${n})]: scores are in [0, 1]`);
      }
    }
    fleets[fleet] = fields;
  }
  const [canary, baseline] = [fleets.canary, fleets.baseline];
  const metrics: Record<string, CountObservation | ScoreObservation> = {
    errors: { canary: { requests: canary.requests as number, bad: canary.errors as number | undefined }, baseline: { requests: baseline.requests as number, bad: baseline.errors as number | undefined } },
  };
  const hasLatency = canary.slow !== undefined && baseline.slow !== undefined;
  if (hasLatency) metrics.latency = { canary: { requests: canary.requests as number, bad: canary.slow as number }, baseline: { requests: baseline.requests as number, bad: baseline.slow as number } };
  const hasQuality = canary.quality !== undefined && baseline.quality !== undefined;
  if (hasQuality) metrics.quality = { canary: canary.quality as ScoreObservation['canary'], baseline: baseline.quality as ScoreObservation['baseline'] };
  return { metrics, hasLatency, hasQuality };
}

function count(line: number, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new ReplayLineError(line, field, `got ${JSON.stringify(value)}; must be an integer >= 0`);
  return value;
}

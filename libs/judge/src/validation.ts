import { MAX_STICKINESS_SECONDS } from './client-mix';
import type { IntervalObservation, JudgeConfig, MetricObservations, MetricSpec } from './judge';

/** Invalid judge input: names the field (a dotted path), the value and what is allowed. */
export class JudgeInputError extends RangeError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${field}: got ${show(value)}; ${allowed}`);
    this.name = 'JudgeInputError';
  }
}

export function validateJudgeConfig(config: JudgeConfig): void {
  optionalNumber('alpha', config.alpha, (v) => v > 0 && v < 0.5, 'must be a number in (0, 0.5)');
  optionalNumber('promotionAlpha', config.promotionAlpha, (v) => v > 0 && v < 0.5, 'must be a number in (0, 0.5)');
  optionalNumber('margin', config.margin, (v) => v >= 1.05 && v <= 10, 'must be an odds ratio in [1.05, 10]');
  optionalNumber('minCanaryRequests', config.minCanaryRequests, (v) => Number.isInteger(v) && v >= 0, 'must be an integer >= 0');
  optionalNumber('staleAfterIntervals', config.staleAfterIntervals, (v) => Number.isInteger(v) && v >= 1, 'must be an integer >= 1');
  optionalNumber('stickinessSeconds', config.stickinessSeconds, (v) => v >= 0 && v <= MAX_STICKINESS_SECONDS, `must be seconds in [0, ${MAX_STICKINESS_SECONDS}] (0: no stickiness; ALB allows up to 7 days)`);
  optionalNumber('effectiveClients', config.effectiveClients, (v) => v >= 1 && v <= 1e9, 'must be a number of clients in [1, 1e9]');
  if (!Array.isArray(config.metrics) || config.metrics.length === 0) throw new JudgeInputError('metrics', config.metrics, 'must list at least one metric');
  const names = new Set<string>();
  config.metrics.forEach((spec, i) => {
    const at = `metrics[${i}]`;
    if (typeof spec.name !== 'string' || !/^[A-Za-z][\w.-]{0,63}$/.test(spec.name)) throw new JudgeInputError(`${at}.name`, spec.name, 'must be 1-64 characters: a letter, then letters, digits, _ . -');
    if (names.has(spec.name)) throw new JudgeInputError(`${at}.name`, spec.name, 'must be unique');
    names.add(spec.name);
    if (spec.kind !== 'count' && spec.kind !== 'score') throw new JudgeInputError(`${at}.kind`, (spec as { kind: unknown }).kind, 'must be "count" or "score"');
    optionalNumber(`${at}.weight`, spec.weight, (v) => v > 0 && Number.isFinite(v), 'must be a finite number > 0');
    if (spec.kind === 'count') optionalNumber(`${at}.margin`, spec.margin, (v) => v >= 1.05 && v <= 10, 'must be an odds ratio in [1.05, 10]');
    else optionalNumber(`${at}.margin`, spec.margin, (v) => v > 0 && v <= 0.5, 'must be a mean difference in (0, 0.5]');
    if (spec.promotionGate !== undefined && typeof spec.promotionGate !== 'boolean') throw new JudgeInputError(`${at}.promotionGate`, spec.promotionGate, 'must be true or false');
  });
  if (config.metrics.every((spec) => spec.promotionGate === false)) {
    throw new JudgeInputError(
      'metrics[*].promotionGate',
      false,
      'at least one metric must be a promotion gate: with none, the judge could never gather evidence that the canary is no worse, and would promote on request count alone',
    );
  }
}

/** Checks one interval against the metric specs; `previousT` enforces strictly increasing time. */
export function validateObservation(observation: IntervalObservation, specs: readonly MetricSpec[], previousT: number): void {
  if (typeof observation !== 'object' || observation === null) throw new JudgeInputError('(interval)', observation, 'must be an object');
  const { t } = observation;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new JudgeInputError('t', t, 'must be a finite number of seconds >= 0');
  if (!(t > previousT)) throw new JudgeInputError('t', t, `must be greater than the previous interval's t (${previousT})`);
  validateMetrics('metrics', observation.metrics, specs);
  const late = observation.late;
  if (late === undefined) return;
  if (!Array.isArray(late)) throw new JudgeInputError('late', late, 'must be a list of {t, metrics} of earlier intervals');
  late.forEach((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null) throw new JudgeInputError(`late[${i}]`, entry, 'must be an object {t, metrics}');
    const lateT = (entry as { t: unknown }).t;
    if (typeof lateT !== 'number' || !Number.isFinite(lateT) || lateT < 0 || lateT >= t) throw new JudgeInputError(`late[${i}].t`, lateT, `must be seconds >= 0 before this interval's t (${t})`);
    validateMetrics(`late[${i}].metrics`, (entry as { metrics: MetricObservations }).metrics, specs);
  });
}

function validateMetrics(field: string, metrics: MetricObservations, specs: readonly MetricSpec[]): void {
  if (typeof metrics !== 'object' || metrics === null) throw new JudgeInputError(field, metrics, 'must be an object keyed by metric name');
  const known = new Map(specs.map((s) => [s.name, s]));
  for (const name of Object.keys(metrics)) {
    const spec = known.get(name);
    if (!spec) throw new JudgeInputError(`${field}.${name}`, name, `is not a configured metric (configured: ${[...known.keys()].join(', ')})`);
    const data = metrics[name];
    if (data === undefined) continue;
    for (const fleet of ['canary', 'baseline'] as const) {
      const at = `${field}.${name}.${fleet}`;
      const value = (data as unknown as Record<string, unknown>)[fleet];
      if (typeof value !== 'object' || value === null) throw new JudgeInputError(at, value, 'must be an object');
      const record = value as Record<string, unknown>;
      if (spec.kind === 'count') validateCounts(at, record);
      else validateScores(at, record);
    }
  }
}

function validateCounts(at: string, record: Record<string, unknown>): void {
  const requests = record.requests;
  if (!isCount(requests)) throw new JudgeInputError(`${at}.requests`, requests, 'must be an integer >= 0');
  const bad = record.bad;
  if (bad === undefined) return;
  if (!isCount(bad)) throw new JudgeInputError(`${at}.bad`, bad, 'must be an integer >= 0');
  if (bad > requests) throw new JudgeInputError(`${at}.bad`, bad, `must not exceed ${at}.requests (${requests})`);
}

function validateScores(at: string, record: Record<string, unknown>): void {
  const count = record.count;
  if (!isCount(count)) throw new JudgeInputError(`${at}.count`, count, 'must be an integer >= 0');
  const sum = record.sum;
  if (typeof sum !== 'number' || !Number.isFinite(sum) || sum < 0 || sum > count) {
    throw new JudgeInputError(`${at}.sum`, sum, `must be a number in [0, ${at}.count (${count})]: scores are in [0, 1]`);
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function optionalNumber(field: string, value: unknown, ok: (v: number) => boolean, allowed: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) throw new JudgeInputError(field, value, allowed);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

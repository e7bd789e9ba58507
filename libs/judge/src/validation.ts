import type { IntervalObservation, JudgeConfig, MetricSpec } from './judge';

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
  });
}

/** Checks one interval against the metric specs; `previousT` enforces strictly increasing time. */
export function validateObservation(observation: IntervalObservation, specs: readonly MetricSpec[], previousT: number): void {
  if (typeof observation !== 'object' || observation === null) throw new JudgeInputError('(interval)', observation, 'must be an object');
  const { t } = observation;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new JudgeInputError('t', t, 'must be a finite number of seconds >= 0');
  if (!(t > previousT)) throw new JudgeInputError('t', t, `must be greater than the previous interval's t (${previousT})`);
  if (typeof observation.metrics !== 'object' || observation.metrics === null) throw new JudgeInputError('metrics', observation.metrics, 'must be an object keyed by metric name');
  const known = new Map(specs.map((s) => [s.name, s]));
  for (const name of Object.keys(observation.metrics)) {
    const spec = known.get(name);
    if (!spec) throw new JudgeInputError(`metrics.${name}`, name, `is not a configured metric (configured: ${[...known.keys()].join(', ')})`);
    const data = observation.metrics[name];
    if (data === undefined) continue;
    for (const fleet of ['canary', 'baseline'] as const) {
      const at = `metrics.${name}.${fleet}`;
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

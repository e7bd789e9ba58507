import { splitAlpha } from './alpha-budget';
import { type ClientMixOptions, DEFAULT_EFFECTIVE_CLIENTS, DEFAULT_STICKINESS_SECONDS } from './client-mix';
import type { OddsRatioEstimate } from './confidence-sequence';
import { CountTest, DEFAULT_MARGIN, type FleetCounts } from './count-test';
import { QualityScoreTest, type ScoreSummary } from './quality-score';
import { JudgeInputError, validateJudgeConfig, validateObservation } from './validation';

/** A metric judged as bad requests out of requests: errors, timeouts, requests slower than a fixed threshold. */
export interface CountMetricSpec {
  readonly name: string;
  readonly kind: 'count';
  /** Share of the rollback budget relative to the other metrics. Range (0, inf). @default 1 */
  readonly weight?: number;
  /** Whether promotion waits for this metric's non-inferiority evidence. @default true */
  readonly promotionGate?: boolean;
  /** Non-inferiority margin on the odds ratio. Range [1.05, 10]. @default JudgeConfig.margin */
  readonly margin?: number;
}

/** A metric judged by mean scores in [0, 1] (e.g. an evaluation score). */
export interface ScoreMetricSpec {
  readonly name: string;
  readonly kind: 'score';
  /** @default 1 */
  readonly weight?: number;
  /** @default true */
  readonly promotionGate?: boolean;
  /** Non-inferiority margin on the mean difference. Range (0, 0.5]. @default 0.05 */
  readonly margin?: number;
}

export type MetricSpec = CountMetricSpec | ScoreMetricSpec;

export interface JudgeConfig {
  /** Total rollback budget: P(any false rollback during the rollout) <= alpha. Range (0, 0.5). @default 0.01 */
  readonly alpha?: number;
  /** False-promotion level of every promotion gate. Range (0, 0.5). @default 0.01 */
  readonly promotionAlpha?: number;
  /** Default non-inferiority margin of count metrics (odds ratio). Range [1.05, 10]. @default 2 */
  readonly margin?: number;
  /** Canary requests required before promotion. Range [0, inf). @default 1000 */
  readonly minCanaryRequests?: number;
  /** Consecutive intervals without data after which a metric is reported stale. Range [1, inf). @default 3 */
  readonly staleAfterIntervals?: number;
  /**
   * How long ALB group stickiness keeps a client on one fleet (the routing policy's stickinessSeconds);
   * evidence within one such window is discounted for the chance difference in client mix between
   * the fleets. 0 when every request is routed on its own. A duration at least as long as the rollout
   * means "the whole rollout". Range [0, 604800]. @default 300
   */
  readonly stickinessSeconds?: number;
  /**
   * The assumed smallest effective number of clients behind the errors (see ClientMixOptions and
   * docs/judge.md "Sticky clients"): the client-mix variance of ln(odds ratio) in a window is
   * 1 / (effectiveClients s (1 - s)) at canary share s, widened by what the data between windows
   * show. Range [1, 1e9]. @default 50
   */
  readonly effectiveClients?: number;
  /** At least one metric; names are unique; at least one is a promotion gate. */
  readonly metrics: readonly MetricSpec[];
}

/** One fleet's counts for a count metric; a missing `bad` with requests present means zero bad requests. */
export interface FleetCountsInput {
  readonly requests: number;
  readonly bad?: number;
}

export interface CountObservation {
  readonly canary: FleetCountsInput;
  readonly baseline: FleetCountsInput;
}

export interface ScoreObservation {
  readonly canary: ScoreSummary;
  readonly baseline: ScoreSummary;
}

export type MetricObservations = Readonly<Record<string, CountObservation | ScoreObservation | undefined>>;

/** Data of an earlier interval that arrived after that interval was observed (a late CloudWatch datapoint). */
export interface LateObservation {
  /** End of the interval the data belongs to, seconds since the rollout started; before the observation's t. */
  readonly t: number;
  readonly metrics: MetricObservations;
}

/** One interval. A metric absent from `metrics` had no data in this interval. */
export interface IntervalObservation {
  /** End of the interval, seconds since the rollout started; strictly increasing. */
  readonly t: number;
  readonly metrics: MetricObservations;
  /**
   * Late data of earlier intervals, arrived since the last observation. Each entry is judged as its own
   * interval (in the current stickiness window) and counted once: feed a datapoint, or a revision's
   * increment, exactly once.
   */
  readonly late?: readonly LateObservation[];
}

export type DecisionKind = 'continue' | 'rollback' | 'promote';

interface MetricReportBase {
  readonly metric: string;
  /** This metric's share of the rollback budget. */
  readonly alpha: number;
  readonly rollbackEvidence: number;
  /** 1 / alpha: the evidence that triggers a rollback. */
  readonly rollbackThreshold: number;
  readonly promotionGate: boolean;
  readonly promotionEvidence: number;
  readonly promotionThreshold: number;
  /** Consecutive intervals, up to now, without data for this metric. */
  readonly missingStreak: number;
  readonly stale: boolean;
  /** Standard deviation of the client-mix effect (ln odds ratio, or mean difference for scores) allowed for in the current stickiness window. */
  readonly clientMixSd: number;
}

export interface CountMetricReport extends MetricReportBase {
  readonly kind: 'count';
  readonly margin: number;
  /** Estimated odds ratio (canary / baseline) with its (1 - alpha) confidence sequence. */
  readonly oddsRatio: OddsRatioEstimate;
  readonly canary: FleetCounts;
  readonly baseline: FleetCounts;
}

export interface ScoreMetricReport extends MetricReportBase {
  readonly kind: 'score';
  readonly margin: number;
  /** Mean difference (canary - baseline) with its (1 - alpha) confidence sequence. */
  readonly difference: { readonly estimate: number; readonly lower: number; readonly upper: number };
  readonly canary: ScoreSummary;
  readonly baseline: ScoreSummary;
}

export type MetricReport = CountMetricReport | ScoreMetricReport;

/** The judge's verdict after one interval, with everything a human needs to check it. */
export interface Decision {
  readonly t: number;
  readonly decision: DecisionKind;
  /** The metric that decided a rollback; null otherwise. */
  readonly metric: string | null;
  /** One sentence: why this decision, or what evidence is still missing. */
  readonly reason: string;
  /** True when some metric has had no data for staleAfterIntervals intervals: the operator's policy acts. */
  readonly stale: boolean;
  readonly staleMetrics: readonly string[];
  /** Canary requests seen so far (largest over metrics: requests of count metrics, scored requests of score metrics). */
  readonly canaryRequests: number;
  readonly metrics: readonly MetricReport[];
}

/** The traffic a forecast assumes from now on. */
export interface ForecastTraffic {
  /** Total requests per second over both fleets. Range (0, inf). */
  readonly requestsPerSecond: number;
  /** Canary share of requests. Range (0, 1). */
  readonly canaryShare: number;
  /** Judging interval, seconds. Range [1, 3600]. */
  readonly intervalSeconds: number;
  /** How far to look. Range (0, 86400]. @default 7200 */
  readonly horizonSeconds?: number;
}

/** Expected time to promotion of a canary as good as the baseline from now on, at a given traffic. */
export interface DecisionForecast {
  /** Seconds from the last observation until every gate is expected to pass (typical path); null beyond the horizon, or before any baseline data. */
  readonly secondsToPromotion: number | null;
  readonly metrics: ReadonlyArray<{ readonly metric: string; readonly secondsToPromotionEvidence: number | null }>;
}

interface CountEntry {
  readonly spec: CountMetricSpec;
  readonly test: CountTest;
  missingStreak: number;
}

interface ScoreEntry {
  readonly spec: ScoreMetricSpec;
  readonly test: QualityScoreTest;
  missingStreak: number;
}

/**
 * The judge: feeds each interval to every metric's sequential test and decides. Rollback when any
 * metric's rollback evidence reaches 1 / (its alpha share); promote when every promotion gate's
 * evidence reaches 1 / promotionAlpha, the canary has served minCanaryRequests and no gate is stale;
 * otherwise continue ("not enough evidence yet"). The caller stops at the first rollback or promote.
 * A deterministic function of its config and the sequence of observations: replaying the journaled
 * observations restores it exactly.
 */
export class Judge {
  readonly alpha: number;
  readonly promotionAlpha: number;
  readonly minCanaryRequests: number;
  readonly staleAfterIntervals: number;
  readonly clientMix: ClientMixOptions;
  private readonly entries: Array<CountEntry | ScoreEntry>;
  private lastT = -Infinity;

  constructor(config: JudgeConfig) {
    validateJudgeConfig(config);
    this.alpha = config.alpha ?? 0.01;
    this.promotionAlpha = config.promotionAlpha ?? 0.01;
    this.minCanaryRequests = config.minCanaryRequests ?? 1000;
    this.staleAfterIntervals = config.staleAfterIntervals ?? 3;
    this.clientMix = { stickinessSeconds: config.stickinessSeconds ?? DEFAULT_STICKINESS_SECONDS, effectiveClients: config.effectiveClients ?? DEFAULT_EFFECTIVE_CLIENTS };
    const shares = splitAlpha(this.alpha, config.metrics.map((m) => ({ metric: m.name, weight: m.weight })));
    this.entries = config.metrics.map((spec) => {
      const alpha = shares.get(spec.name) as number;
      const common = { alpha, promotionAlpha: this.promotionAlpha, clientMix: this.clientMix };
      if (spec.kind === 'count') return { spec, test: new CountTest({ ...common, margin: spec.margin ?? config.margin ?? DEFAULT_MARGIN }), missingStreak: 0 };
      return { spec, test: new QualityScoreTest({ ...common, margin: spec.margin }), missingStreak: 0 };
    });
  }

  /** Adds one interval (and any late data it carries) and decides. Throws a JudgeInputError naming the field when the observation is invalid. */
  observe(observation: IntervalObservation): Decision {
    validateObservation(observation, this.entries.map((e) => e.spec), this.lastT);
    this.lastT = observation.t;
    for (const entry of this.entries) {
      const late = (observation.late ?? []).map((l) => l.metrics[entry.spec.name]);
      const arrived = [...late, observation.metrics[entry.spec.name]].filter((data) => data !== undefined && !isEmpty(data));
      for (const data of arrived) feed(entry, data as CountObservation | ScoreObservation, observation.t);
      entry.missingStreak = arrived.length === 0 ? entry.missingStreak + 1 : 0;
    }
    return this.decide(observation.t);
  }

  /**
   * Expected time to promotion if the canary is as good as the baseline from now on, at the given
   * traffic (the typical path of each gate's promotion evidence, tempered per stickiness window as the
   * tests are; count metrics at the baseline rate observed so far, score metrics at the precision per
   * interval observed so far). For the operator's "expected time to a decision".
   */
  forecast(traffic: ForecastTraffic): DecisionForecast {
    const horizon = traffic.horizonSeconds ?? 7200;
    checkForecast(traffic, horizon);
    const intervals = Math.floor(horizon / traffic.intervalSeconds);
    const t = Math.max(0, this.lastT);
    const canaryPerInterval = traffic.requestsPerSecond * traffic.canaryShare * traffic.intervalSeconds;
    const metrics = this.entries
      .filter((entry) => entry.spec.promotionGate ?? true)
      .map((entry) => {
        const threshold = Math.log(1 / entry.test.promotionAlpha);
        const scores = entry.test as QualityScoreTest;
        const reached =
          entry.test instanceof CountTest
            ? entry.test.forecastPromotion({ ...traffic, t, intervals })
            : firstInterval(intervals, (k) => scores.forecastLogPromotionEvidence({ precisionPerInterval: scores.precisionPerInterval, canaryShare: traffic.canaryShare, intervals: k, t, intervalSeconds: traffic.intervalSeconds }) >= threshold);
        return { metric: entry.spec.name, secondsToPromotionEvidence: reached === null ? null : reached * traffic.intervalSeconds };
      });
    const needed = Math.max(0, this.minCanaryRequests - this.canaryRequests());
    const requestsAt = canaryPerInterval > 0 ? Math.ceil(needed / canaryPerInterval) * traffic.intervalSeconds : needed === 0 ? 0 : Infinity;
    const times = [...metrics.map((m) => m.secondsToPromotionEvidence), requestsAt];
    const worst = times.some((v) => v === null) ? null : Math.max(...(times as number[]));
    return { secondsToPromotion: worst !== null && worst <= horizon ? worst : null, metrics };
  }

  private canaryRequests(): number {
    return Math.max(0, ...this.entries.map((entry) => (entry.test instanceof CountTest ? entry.test.state().canary.requests : entry.test.state().canary.count)));
  }

  private decide(t: number): Decision {
    const reports = this.entries.map((entry) => this.report(entry));
    const staleMetrics = reports.filter((r) => r.stale).map((r) => r.metric);
    // Scored requests count too: a judge of quality scores alone must be able to promote.
    const canaryRequests = Math.max(0, ...reports.map((r) => (r.kind === 'count' ? r.canary.requests : r.canary.count)));
    const base = { t, stale: staleMetrics.length > 0, staleMetrics, canaryRequests, metrics: reports };
    const culprit = reports
      .filter((r) => r.rollbackEvidence >= r.rollbackThreshold)
      .sort((a, b) => b.rollbackEvidence / b.rollbackThreshold - a.rollbackEvidence / a.rollbackThreshold)[0];
    if (culprit) {
      return { ...base, decision: 'rollback', metric: culprit.metric, reason: `${culprit.metric}: canary worse than baseline (${describe(culprit)}); evidence ${fmt(culprit.rollbackEvidence)} >= 1/alpha = ${fmt(culprit.rollbackThreshold)}` };
    }
    // Construction guarantees at least one gate, so promotion always rests on evidence.
    const gates = reports.filter((r) => r.promotionGate);
    const waiting = gates.filter((r) => r.promotionEvidence < r.promotionThreshold || r.stale);
    if (waiting.length === 0 && canaryRequests >= this.minCanaryRequests) {
      return { ...base, decision: 'promote', metric: null, reason: `every gate shows non-inferiority (${gates.map((r) => `${r.metric}: ${describe(r)}`).join('; ')}) after ${canaryRequests} canary requests` };
    }
    const missing = waiting.map((r) => (r.stale ? `${r.metric} is stale (${r.missingStreak} intervals without data)` : `${r.metric} non-inferiority evidence ${fmt(r.promotionEvidence)} < ${fmt(r.promotionThreshold)}`));
    if (canaryRequests < this.minCanaryRequests) missing.push(`${canaryRequests} of ${this.minCanaryRequests} canary requests`);
    return { ...base, decision: 'continue', metric: null, reason: `not enough evidence yet: ${missing.join('; ')}` };
  }

  private report(entry: CountEntry | ScoreEntry): MetricReport {
    const stale = entry.missingStreak >= this.staleAfterIntervals;
    const common = {
      metric: entry.spec.name,
      promotionGate: entry.spec.promotionGate ?? true,
      missingStreak: entry.missingStreak,
      stale,
    };
    // Evidence and thresholds read the same for every kind of test; state() is read once (it builds the confidence sequence).
    const evidence = (test: CountTest | QualityScoreTest, state: { rollbackEvidence: number; promotionEvidence: number; clientMixSd: number }) => ({
      alpha: test.alpha,
      rollbackEvidence: state.rollbackEvidence,
      rollbackThreshold: 1 / test.alpha,
      promotionEvidence: state.promotionEvidence,
      promotionThreshold: 1 / test.promotionAlpha,
      margin: test.margin,
      clientMixSd: state.clientMixSd,
    });
    if (entry.test instanceof CountTest) {
      const count = entry.test.state();
      return { ...common, ...evidence(entry.test, count), kind: 'count', oddsRatio: count.estimate, canary: count.canary, baseline: count.baseline };
    }
    const score = entry.test.state();
    return {
      ...common,
      ...evidence(entry.test, score),
      kind: 'score',
      difference: { estimate: score.estimate.difference, lower: score.estimate.lower, upper: score.estimate.upper },
      canary: score.canary,
      baseline: score.baseline,
    };
  }
}

function feed(entry: CountEntry | ScoreEntry, data: CountObservation | ScoreObservation, t: number): void {
  if (entry.test instanceof CountTest) {
    const counts = data as CountObservation;
    entry.test.update(fill(counts.canary), fill(counts.baseline), t);
  } else {
    const scores = data as ScoreObservation;
    entry.test.update(scores.canary, scores.baseline, t);
  }
}

// No data: absent, or nothing served on either fleet.
function isEmpty(data: CountObservation | ScoreObservation | undefined): boolean {
  if (data === undefined) return true;
  if ('requests' in data.canary) return data.canary.requests === 0 && (data as CountObservation).baseline.requests === 0;
  return data.canary.count === 0 && (data as ScoreObservation).baseline.count === 0;
}

function firstInterval(intervals: number, reached: (k: number) => boolean): number | null {
  for (let k = 0; k <= intervals; k++) if (reached(k)) return k;
  return null;
}

function checkForecast(traffic: ForecastTraffic, horizon: number): void {
  const fields: Array<[string, number, boolean, string]> = [
    ['requestsPerSecond', traffic.requestsPerSecond, traffic.requestsPerSecond > 0 && Number.isFinite(traffic.requestsPerSecond), 'a number > 0'],
    ['canaryShare', traffic.canaryShare, traffic.canaryShare > 0 && traffic.canaryShare < 1, 'a share in (0, 1)'],
    ['intervalSeconds', traffic.intervalSeconds, traffic.intervalSeconds >= 1 && traffic.intervalSeconds <= 3600, 'seconds in [1, 3600]'],
    ['horizonSeconds', horizon, horizon > 0 && horizon <= 86400, 'seconds in (0, 86400]'],
  ];
  for (const [field, value, ok, allowed] of fields) if (!ok) throw new JudgeInputError(`forecast.${field}`, value, `must be ${allowed}`);
}

function fill(counts: FleetCountsInput): FleetCounts {
  return { requests: counts.requests, bad: counts.bad ?? 0 };
}

function describe(r: MetricReport): string {
  if (r.kind === 'count') {
    const { oddsRatio: e } = r;
    return `odds ratio ${fmt(e.oddsRatio)} [${fmt(e.lower)}, ${fmt(e.upper)}], canary ${r.canary.bad}/${r.canary.requests} vs baseline ${r.baseline.bad}/${r.baseline.requests}`;
  }
  const d = r.difference;
  return `mean difference ${fmt(d.estimate)} [${fmt(d.lower)}, ${fmt(d.upper)}], canary n=${r.canary.count} vs baseline n=${r.baseline.count}`;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : String(Number(v.toFixed(3)));
}

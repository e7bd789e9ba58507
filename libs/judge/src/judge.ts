import { splitAlpha } from './alpha-budget';
import type { OddsRatioEstimate } from './confidence-sequence';
import { CountTest, type FleetCounts } from './count-test';
import { QualityScoreTest, type ScoreSummary } from './quality-score';
import { validateJudgeConfig, validateObservation } from './validation';

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
  /** Default non-inferiority margin of count metrics (odds ratio). Range [1.05, 10]. @default 1.5 */
  readonly margin?: number;
  /** Canary requests required before promotion. Range [0, inf). @default 1000 */
  readonly minCanaryRequests?: number;
  /** Consecutive intervals without data after which a metric is reported stale. Range [1, inf). @default 3 */
  readonly staleAfterIntervals?: number;
  /** At least one metric; names are unique. */
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

/** One interval. A metric absent from `metrics` had no data in this interval. */
export interface IntervalObservation {
  /** End of the interval, seconds since the rollout started; strictly increasing. */
  readonly t: number;
  readonly metrics: Readonly<Record<string, CountObservation | ScoreObservation | undefined>>;
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
  /** Canary requests seen so far (largest over count metrics). */
  readonly canaryRequests: number;
  readonly metrics: readonly MetricReport[];
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
 */
export class Judge {
  readonly alpha: number;
  readonly promotionAlpha: number;
  readonly minCanaryRequests: number;
  readonly staleAfterIntervals: number;
  private readonly entries: Array<CountEntry | ScoreEntry>;
  private lastT = -Infinity;

  constructor(config: JudgeConfig) {
    validateJudgeConfig(config);
    this.alpha = config.alpha ?? 0.01;
    this.promotionAlpha = config.promotionAlpha ?? 0.01;
    this.minCanaryRequests = config.minCanaryRequests ?? 1000;
    this.staleAfterIntervals = config.staleAfterIntervals ?? 3;
    const shares = splitAlpha(this.alpha, config.metrics.map((m) => ({ metric: m.name, weight: m.weight })));
    this.entries = config.metrics.map((spec) => {
      const alpha = shares.get(spec.name) as number;
      if (spec.kind === 'count') {
        const test = new CountTest({ alpha, promotionAlpha: this.promotionAlpha, margin: spec.margin ?? config.margin ?? 1.5 });
        return { spec, test, missingStreak: 0 };
      }
      const test = new QualityScoreTest({ alpha, promotionAlpha: this.promotionAlpha, margin: spec.margin });
      return { spec, test, missingStreak: 0 };
    });
  }

  /** Adds one interval and decides. Throws a RangeError naming the field when the observation is invalid. */
  observe(observation: IntervalObservation): Decision {
    validateObservation(observation, this.entries.map((e) => e.spec), this.lastT);
    this.lastT = observation.t;
    for (const entry of this.entries) {
      const data = observation.metrics[entry.spec.name];
      if (entry.spec.kind === 'count') {
        const counts = data as CountObservation | undefined;
        if (counts === undefined || (counts.canary.requests === 0 && counts.baseline.requests === 0)) {
          entry.missingStreak++;
          continue;
        }
        entry.missingStreak = 0;
        (entry.test as CountTest).update(fill(counts.canary), fill(counts.baseline));
      } else {
        const scores = data as ScoreObservation | undefined;
        if (scores === undefined || (scores.canary.count === 0 && scores.baseline.count === 0)) {
          entry.missingStreak++;
          continue;
        }
        entry.missingStreak = 0;
        (entry.test as QualityScoreTest).update(scores.canary, scores.baseline);
      }
    }
    return this.decide(observation.t);
  }

  private decide(t: number): Decision {
    const reports = this.entries.map((entry) => this.report(entry));
    const staleMetrics = reports.filter((r) => r.stale).map((r) => r.metric);
    const canaryRequests = Math.max(0, ...reports.map((r) => (r.kind === 'count' ? r.canary.requests : 0)));
    const base = { t, stale: staleMetrics.length > 0, staleMetrics, canaryRequests, metrics: reports };
    const culprit = reports
      .filter((r) => r.rollbackEvidence >= r.rollbackThreshold)
      .sort((a, b) => b.rollbackEvidence / b.rollbackThreshold - a.rollbackEvidence / a.rollbackThreshold)[0];
    if (culprit) {
      return { ...base, decision: 'rollback', metric: culprit.metric, reason: `${culprit.metric}: canary worse than baseline (${describe(culprit)}); evidence ${fmt(culprit.rollbackEvidence)} >= 1/alpha = ${fmt(culprit.rollbackThreshold)}` };
    }
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
    const evidence = (test: CountTest | QualityScoreTest, state: { rollbackEvidence: number; promotionEvidence: number }) => ({
      alpha: test.alpha,
      rollbackEvidence: state.rollbackEvidence,
      rollbackThreshold: 1 / test.alpha,
      promotionEvidence: state.promotionEvidence,
      promotionThreshold: 1 / test.promotionAlpha,
      margin: test.margin,
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

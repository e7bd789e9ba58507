// The one place that speaks to libs/judge: which metrics the judge sees, how an interval's counts
// become its IntervalObservation, and what of its Decision the rollout keeps. The judge is
// deterministic, so `replay` of the journaled observations restores its evidence after a crash.
import { Judge, planPower, type Decision, type IntervalObservation, type JudgeConfig, type MetricSpec } from '@canaryfleet/judge';
import type { RolloutSchedule } from './schedule';
import type { MetricSources } from './spec';
import type { IntervalCounts } from './metric-intervals';

export const JUDGED_METRICS = { errors: 'errors', slow: 'slow-requests', quality: 'quality' } as const;

/** ALB publishes per target group once a minute: the judge calls a metric stale after this many silent minutes. */
const STALE_AFTER_SECONDS = 180;

/**
 * The tolerated drop of mean quality (scores in [0, 1]) a promotion must rule out. From interval sums
 * and counts alone the quality test's client-mix bound is the worst case for [0, 1] means, so the
 * evidence needed grows as 1 / margin^2: at the judge's default 0.05 a healthy canary waits about a
 * hundred stickiness windows, at 0.15 about a dozen, as long as the error gate (ADR 0015).
 */
export const QUALITY_MARGIN = 0.15;

/**
 * What the judge compares, and how sticky the routing is that groups requests into clients (the
 * environment's stickiness: ADR 0008's windows). Every metric gates promotion: a canary whose quality
 * is not shown to be within QUALITY_MARGIN of the baseline's is never promoted.
 */
export function judgeConfig(sources: MetricSources, intervalSeconds: number, stickinessSeconds: number): JudgeConfig {
  const metrics: MetricSpec[] = [{ name: JUDGED_METRICS.errors, kind: 'count' }];
  if (sources.fleet || sources.albSlowThresholdSeconds !== null) metrics.push({ name: JUDGED_METRICS.slow, kind: 'count' });
  if (sources.fleet) metrics.push({ name: JUDGED_METRICS.quality, kind: 'score', margin: QUALITY_MARGIN });
  return { metrics, staleAfterIntervals: Math.max(3, Math.ceil(STALE_AFTER_SECONDS / intervalSeconds)), stickinessSeconds };
}

/** One interval's counts as the judge reads them. `t` is seconds from the interval grid's origin. */
export function intervalObservation(t: number, counts: IntervalCounts, sources: MetricSources): IntervalObservation {
  const metrics: Record<string, IntervalObservation['metrics'][string]> = {};
  const errors = (side: IntervalCounts['canary']) => {
    // A crashed server refuses connections: they are errors even when the request count misses them.
    const bad = side.alb.errors;
    return { requests: Math.max(side.alb.requests, bad), bad };
  };
  metrics[JUDGED_METRICS.errors] = { canary: errors(counts.canary), baseline: errors(counts.baseline) };
  if (sources.fleet) {
    const slow = (side: IntervalCounts['canary']) => ({ requests: Math.max(side.fleet.requests, side.fleet.slow), bad: side.fleet.slow });
    const quality = (side: IntervalCounts['canary']) => ({ count: side.fleet.qualityCount, sum: Math.min(side.fleet.qualitySum, side.fleet.qualityCount) });
    metrics[JUDGED_METRICS.slow] = { canary: slow(counts.canary), baseline: slow(counts.baseline) };
    metrics[JUDGED_METRICS.quality] = { canary: quality(counts.canary), baseline: quality(counts.baseline) };
  } else if (sources.albSlowThresholdSeconds !== null) {
    const slow = (side: IntervalCounts['canary']) => ({ requests: Math.max(side.alb.requests, side.alb.slow), bad: side.alb.slow });
    metrics[JUDGED_METRICS.slow] = { canary: slow(counts.canary), baseline: slow(counts.baseline) };
  }
  return { t, metrics };
}

/** One metric's evidence against its thresholds, as status, events and the report show it. */
export interface MetricEvidence {
  readonly metric: string;
  readonly kind: 'count' | 'score';
  readonly rollbackEvidence: number;
  readonly rollbackThreshold: number;
  readonly promotionEvidence: number;
  readonly promotionThreshold: number;
  readonly promotionGate: boolean;
  readonly stale: boolean;
  /** "odds ratio 1.1 [0.8, 1.6]" or "mean difference -0.01 [-0.05, 0.03]". */
  readonly estimate: string;
  /** Canary and baseline so far: "12/4000" (bad/requests) or "n=3000 mean 0.82". */
  readonly canary: string;
  readonly baseline: string;
}

/** What the rollout keeps of a Decision (the record and the journal hold this, not the judge's internals). */
export interface JudgeSummary {
  readonly t: number;
  readonly decision: Decision['decision'];
  readonly metric: string | null;
  readonly reason: string;
  readonly canaryRequests: number;
  readonly metrics: readonly MetricEvidence[];
}

function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}

export function summarizeDecision(decision: Decision): JudgeSummary {
  return {
    t: decision.t,
    decision: decision.decision,
    metric: decision.metric,
    reason: decision.reason,
    canaryRequests: decision.canaryRequests,
    metrics: decision.metrics.map((m) => {
      const common = {
        metric: m.metric,
        rollbackEvidence: round(m.rollbackEvidence),
        rollbackThreshold: round(m.rollbackThreshold),
        promotionEvidence: round(m.promotionEvidence),
        promotionThreshold: round(m.promotionThreshold),
        promotionGate: m.promotionGate,
        stale: m.stale,
      };
      if (m.kind === 'count') {
        const e = m.oddsRatio;
        return { ...common, kind: 'count', estimate: `odds ratio ${round(e.oddsRatio)} [${round(e.lower)}, ${round(e.upper)}]`, canary: `${m.canary.bad}/${m.canary.requests}`, baseline: `${m.baseline.bad}/${m.baseline.requests}` };
      }
      const mean = (s: { count: number; sum: number }) => (s.count > 0 ? `n=${s.count} mean ${round(s.sum / s.count)}` : 'n=0');
      const d = m.difference;
      return { ...common, kind: 'score', estimate: `mean difference ${round(d.estimate)} [${round(d.lower)}, ${round(d.upper)}]`, canary: mean(m.canary), baseline: mean(m.baseline) };
    }),
  };
}

/** The judge of one rollout. */
export class CanaryJudge {
  private readonly judge: Judge;

  constructor(
    readonly sources: MetricSources,
    intervalSeconds: number,
    stickinessSeconds: number,
  ) {
    this.judge = new Judge(judgeConfig(sources, intervalSeconds, stickinessSeconds));
  }

  /** Feeds journaled observations again, in order: the evidence is exactly what it was before a crash. */
  replay(observations: readonly IntervalObservation[]): JudgeSummary | null {
    let last: JudgeSummary | null = null;
    for (const observation of observations) last = this.observe(observation);
    return last;
  }

  observe(observation: IntervalObservation): JudgeSummary {
    return summarizeDecision(this.judge.observe(observation));
  }
}

/** What the power planner expects of one step of a schedule at the current traffic. */
export interface StepPlan {
  readonly canaryPerMille: number;
  readonly minBakeSeconds: number;
  /** Seconds until a 2x error-odds regression is rolled back with 80 % power at this share; null: not within the horizon. */
  readonly secondsToDetectRegression: number | null;
  /** Expected time in the step: its bake, or for the last step the detection time (promotion needs evidence of the same size). */
  readonly expectedSeconds: number | null;
}

export interface SchedulePlan {
  readonly steps: readonly StepPlan[];
  readonly expectedTotalSeconds: number | null;
  /** The last step cannot show a 2x regression within the horizon at this traffic. */
  readonly underpowered: boolean;
}

/**
 * The judge's power planner turned into time per step: at `requestsPerSecond` and the baseline error
 * rate, how long each share needs before a 2x regression would be caught; the last step (which ends
 * on the judge's decision) bounded by `horizonMinutes`.
 */
export function planSchedule(schedule: RolloutSchedule, traffic: { readonly requestsPerSecond: number; readonly baselineErrorRate: number }, horizonMinutes = 60): SchedulePlan {
  const last = schedule.steps.length - 1;
  const steps = schedule.steps.map((step, i): StepPlan => {
    const minutes = i === last ? horizonMinutes : Math.max(1, step.minBakeSeconds / 60);
    const plan =
      traffic.requestsPerSecond > 0
        ? planPower({ rps: traffic.requestsPerSecond, canaryWeight: step.canaryPerMille / 1000, baselineRate: Math.min(0.5, Math.max(1e-4, traffic.baselineErrorRate)), minutes, intervalSeconds: schedule.intervalSeconds })
        : null;
    const detect = plan?.secondsToDetectTarget ?? null;
    return { canaryPerMille: step.canaryPerMille, minBakeSeconds: step.minBakeSeconds, secondsToDetectRegression: detect, expectedSeconds: i === last ? (detect === null ? null : Math.max(detect, step.minBakeSeconds)) : step.minBakeSeconds };
  });
  const lastStep = steps[last];
  return {
    steps,
    expectedTotalSeconds: steps.every((s) => s.expectedSeconds !== null) ? steps.reduce((sum, s) => sum + (s.expectedSeconds ?? 0), 0) : null,
    underpowered: lastStep.secondsToDetectRegression === null,
  };
}

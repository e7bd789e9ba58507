import { Judge, type JudgeConfig, type LateObservation, normalCdf, normalQuantile } from '@canaryfleet/judge';
import { quantile } from 'simple-statistics';
import { badOf, type FleetTick, type Scenario, STABLE_P99_MS, type Tick } from './traffic';

export type Verdict = 'rollback' | 'promote' | null;

/** A judging method fed the same ticks as every other; it evaluates on its own cadence. */
export interface Method {
  readonly name: string;
  readonly intervalSeconds: number;
  /** Sees one 10 s tick (missing ones included, flagged); returns a verdict when it evaluates and decides. */
  observe(tick: Tick): Verdict;
}

export type MethodFactory = (scenario: Scenario) => Method;

interface Window {
  canaryRequests: number;
  canaryBad: number;
  baselineRequests: number;
  baselineBad: number;
  observed: number;
}

const emptyWindow = (): Window => ({ canaryRequests: 0, canaryBad: 0, baselineRequests: 0, baselineBad: 0, observed: 0 });

function add(window: Window, scenario: Scenario, tick: Tick): void {
  const parts = [...(tick.missing ? [] : [tick]), ...(tick.late ?? [])];
  for (const part of parts) {
    window.canaryRequests += part.canary.requests;
    window.canaryBad += badOf(scenario, part.canary);
    window.baselineRequests += part.baseline.requests;
    window.baselineBad += badOf(scenario, part.baseline);
  }
  if (parts.length > 0) window.observed++;
}

// Whether a method evaluating every intervalSeconds evaluates at this tick.
const due = (tick: Tick, intervalSeconds: number): boolean => tick.t % intervalSeconds === 0;

/** How a variant of our judge is configured for a scenario (the rest is the Judge's defaults, alpha 0.01). */
export type JudgeVariant = (scenario: Scenario) => Partial<JudgeConfig>;

/** As deployed: told the routing's stickiness (the scenario's, else the default 300 s), default effective clients. */
export const deployed: JudgeVariant = (scenario) => ({ stickinessSeconds: scenario.stickinessSeconds ?? 300 });

/** The judge of ADR 0005: every request taken as independent (stickiness 0). */
export const independent: JudgeVariant = () => ({ stickinessSeconds: 0 });

/** Ours: the anytime-valid judge, one count metric (errors or slow requests), alpha 0.01. */
export function ours(intervalSeconds: number, name = 'ours', variant: JudgeVariant = deployed): MethodFactory {
  return (scenario) => {
    const judge = new Judge({ alpha: 0.01, promotionAlpha: 0.01, ...variant(scenario), metrics: [{ name: scenario.signal, kind: 'count' }] });
    let window = emptyWindow();
    let late: LateObservation[] = [];
    return {
      name,
      intervalSeconds,
      observe(tick) {
        // Our judge takes late data as late data; this interval's own ticks are summed.
        if (!tick.missing) add(window, scenario, { ...tick, late: [] });
        late.push(...(tick.late ?? []).map((l) => ({ t: l.t, metrics: { [scenario.signal]: counts(scenario, l) } })));
        if (!due(tick, intervalSeconds)) return null;
        const metrics = window.observed === 0 ? {} : { [scenario.signal]: { canary: { requests: window.canaryRequests, bad: window.canaryBad }, baseline: { requests: window.baselineRequests, bad: window.baselineBad } } };
        const decision = judge.observe(late.length === 0 ? { t: tick.t, metrics } : { t: tick.t, metrics, late });
        window = emptyWindow();
        late = [];
        return decision.decision === 'continue' ? null : decision.decision;
      },
    };
  };
}

function counts(scenario: Scenario, part: { canary: FleetTick; baseline: FleetTick }): { canary: { requests: number; bad: number }; baseline: { requests: number; bad: number } } {
  return { canary: { requests: part.canary.requests, bad: badOf(scenario, part.canary) }, baseline: { requests: part.baseline.requests, bad: badOf(scenario, part.baseline) } };
}

/**
 * Flagger-style threshold: every 60 s, a failed check when the canary's last-minute error rate exceeds
 * 1% (latency: its last-minute p99 exceeds 1.5x the stable p99); rollback at 5 failed checks. A minute
 * without data is skipped (kinder to the baseline than Flagger, which halts on "no values found").
 */
export function threshold(): MethodFactory {
  return (scenario) => {
    let window = emptyWindow();
    let latencies: number[] = [];
    let failed = 0;
    return {
      name: 'threshold',
      intervalSeconds: 60,
      observe(tick) {
        add(window, scenario, tick);
        if (!tick.missing && tick.canaryLatencies) for (const ms of tick.canaryLatencies) latencies.push(ms);
        if (!due(tick, 60)) return null;
        let fail = false;
        if (scenario.signal === 'errors') fail = window.canaryRequests > 0 && window.canaryBad / window.canaryRequests > 0.01;
        else if (latencies.length > 0) fail = quantile(latencies, 0.99) > 1.5 * STABLE_P99_MS;
        window = emptyWindow();
        latencies = [];
        if (fail) failed++;
        return failed >= 5 ? 'rollback' : null;
      },
    };
  };
}

const Z_99 = normalQuantile(0.99);

/** Naive peeking: a fixed-sample one-sided two-proportion z-test on all data so far, re-run every interval at alpha 0.01. */
export function naivePeeking(intervalSeconds: number): MethodFactory {
  return (scenario) => {
    const total = emptyWindow();
    return {
      name: 'naive-peeking',
      intervalSeconds,
      observe(tick) {
        add(total, scenario, tick);
        if (!due(tick, intervalSeconds)) return null;
        const { canaryRequests: n1, canaryBad: x1, baselineRequests: n0, baselineBad: x0 } = total;
        if (n1 === 0 || n0 === 0) return null;
        const pooled = (x1 + x0) / (n1 + n0);
        const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
        return se > 0 && (x1 / n1 - x0 / n0) / se > Z_99 ? 'rollback' : null;
      },
    };
  };
}

/**
 * Kayenta-style fixed horizon: every 5 minutes, a one-sided Mann-Whitney test of the per-minute
 * bad-request rates, canary vs baseline, over all minutes so far, at alpha 0.01.
 */
export function fixedHorizon(): MethodFactory {
  return (scenario) => {
    const canaryRates: number[] = [];
    const baselineRates: number[] = [];
    let minute = emptyWindow();
    return {
      name: 'fixed-horizon',
      intervalSeconds: 300,
      observe(tick) {
        add(minute, scenario, tick);
        if (due(tick, 60)) {
          if (minute.canaryRequests > 0 && minute.baselineRequests > 0) {
            canaryRates.push(minute.canaryBad / minute.canaryRequests);
            baselineRates.push(minute.baselineBad / minute.baselineRequests);
          }
          minute = emptyWindow();
        }
        if (!due(tick, 300)) return null;
        return mannWhitneyGreaterP(canaryRates, baselineRates) < 0.01 ? 'rollback' : null;
      },
    };
  };
}

/** One-sided p-value that `a` is stochastically greater than `b` (normal approximation, tie-corrected). */
export function mannWhitneyGreaterP(a: readonly number[], b: readonly number[]): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return 1;
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const n = n1 + n2;
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1].v === all[i].v) j++;
    const rank = (i + j) / 2 + 1;
    const size = j - i + 1;
    tieTerm += size ** 3 - size;
    for (let k = i; k <= j; k++) if (all[k].g === 0) rankSumA += rank;
    i = j + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return 1;
  const z = (u - (n1 * n2) / 2 - 0.5) / Math.sqrt(variance);
  return 1 - normalCdf(z);
}

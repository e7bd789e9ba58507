import { createRng, Judge, planSchedule, type Rng } from '@canaryfleet/judge';
import type { RolloutSchedule } from '@canaryfleet/rollout';
import { quantileSorted } from 'simple-statistics';
import { STICKY_CLIENTS } from './scenarios';
import { type ClientPopulation, type Scenario, simulateRun } from './traffic';

const RPS = 100;
const BASELINE_ERROR_RATE = 0.005;
/** A rollout that has not promoted this long after its last step started is counted as not promoted. */
const MAX_MINUTES_AT_LAST_STEP = 60;

interface ScheduleCase {
  readonly name: string;
  readonly oddsRatio: number;
  readonly runs: number;
  readonly clients?: ClientPopulation;
  readonly stickinessSeconds: number;
}

/** Healthy, 2x, 5x and 20x canaries through the operator's default schedule, with and without sticky clients. */
export const SCHEDULE_CASES: readonly ScheduleCase[] = [
  { name: 'healthy', oddsRatio: 1, runs: 1000, stickinessSeconds: 300 },
  { name: '2x errors', oddsRatio: 2, runs: 1000, stickinessSeconds: 300 },
  { name: '5x errors', oddsRatio: 5, runs: 300, stickinessSeconds: 300 },
  { name: '20x errors', oddsRatio: 20, runs: 300, stickinessSeconds: 300 },
  { name: 'healthy, sticky clients 300 s', oddsRatio: 1, runs: 1000, clients: STICKY_CLIENTS, stickinessSeconds: 300 },
  { name: '2x errors, sticky clients 300 s', oddsRatio: 2, runs: 1000, clients: STICKY_CLIENTS, stickinessSeconds: 300 },
];

export interface ScheduleRow {
  name: string;
  schedule: string;
  traffic: string;
  runs: number;
  odds_ratio: number;
  promoted_rate: number;
  median_promote_s: number | null;
  p90_promote_s: number | null;
  rolled_back_rate: number;
  median_rollback_s: number | null;
  p90_rollback_s: number | null;
  planned_promote_s: number | null;
}

/**
 * Follows the schedule as the operator does (issue 10): each step holds its share for at least its
 * bake time, a rollback decision ends the rollout at once, and only a promote decision at the last
 * step promotes. The judge is the deployed one (told the routing's stickiness), one count metric
 * (errors), evaluated every schedule interval. Traffic: 100 rps, 0.5% baseline errors. One case of
 * SCHEDULE_CASES per call (the benchmark spreads them over processes).
 */
export function runScheduleCase(schedule: RolloutSchedule, caseIndex: number, seed: number): ScheduleRow {
  const shares = schedule.steps.map((s) => s.canaryPerMille / 1000);
  const starts = schedule.steps.map((_, i) => schedule.steps.slice(0, i).reduce((sum, s) => sum + s.minBakeSeconds, 0));
  const lastStart = starts[starts.length - 1];
  const weight = (t: number): number => shares[Math.max(0, starts.filter((start) => start <= t).length - 1)];
  const c = SCHEDULE_CASES[caseIndex];
  const planned = c.oddsRatio === 1 && !c.clients ? planSchedule({ rps: RPS, baselineRate: BASELINE_ERROR_RATE, steps: schedule.steps.map((s) => ({ canaryShare: s.canaryPerMille / 1000, minSeconds: s.minBakeSeconds })), intervalSeconds: schedule.intervalSeconds }) : null;
  const rng = createRng(seed);
  const scenario: Scenario = {
    name: c.name,
    signal: 'errors',
    runs: c.runs,
    rps: RPS,
    weight,
    baselineErrorRate: BASELINE_ERROR_RATE,
    canaryErrorRate: (c.oddsRatio * BASELINE_ERROR_RATE) / (1 - BASELINE_ERROR_RATE + c.oddsRatio * BASELINE_ERROR_RATE),
    minutes: Math.ceil((lastStart + MAX_MINUTES_AT_LAST_STEP * 60) / 60),
    regression: c.oddsRatio > 1,
    clients: c.clients,
    stickinessSeconds: c.stickinessSeconds,
  };
  const promoted: number[] = [];
  const rolledBack: number[] = [];
  for (let r = 0; r < c.runs; r++) {
    const outcome = followSchedule(scenario, schedule, lastStart, rng);
    if (outcome.decision === 'promote') promoted.push(outcome.t);
    if (outcome.decision === 'rollback') rolledBack.push(outcome.t);
  }
  // Quantile over all runs (type 7; not promoted or not rolled back = Infinity), in whole seconds.
  const at = (values: number[], q: number): number | null => (values.length === 0 ? null : Math.round(quantileSorted([...values, ...new Array<number>(c.runs - values.length).fill(Infinity)].sort((a, b) => a - b), q)));
  const finite = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : v);
  return {
    name: c.name,
    schedule: describeSchedule(schedule),
    traffic: c.clients ? `sticky clients, stickiness ${c.stickinessSeconds} s` : 'independent requests',
    runs: c.runs,
    odds_ratio: c.oddsRatio,
    promoted_rate: promoted.length / c.runs,
    median_promote_s: finite(at(promoted, 0.5)),
    p90_promote_s: finite(at(promoted, 0.9)),
    rolled_back_rate: rolledBack.length / c.runs,
    median_rollback_s: finite(at(rolledBack, 0.5)),
    p90_rollback_s: finite(at(rolledBack, 0.9)),
    planned_promote_s: planned === null ? null : planned.expectedSecondsToPromote,
  };
}

function followSchedule(scenario: Scenario, schedule: RolloutSchedule, lastStart: number, rng: Rng): { decision: 'promote' | 'rollback' | null; t: number } {
  const ticks = simulateRun(scenario, rng);
  const judge = new Judge({ stickinessSeconds: scenario.stickinessSeconds, metrics: [{ name: 'errors', kind: 'count' }] });
  let canary = { requests: 0, bad: 0 };
  let baseline = { requests: 0, bad: 0 };
  for (const tick of ticks) {
    canary = { requests: canary.requests + tick.canary.requests, bad: canary.bad + tick.canary.errors };
    baseline = { requests: baseline.requests + tick.baseline.requests, bad: baseline.bad + tick.baseline.errors };
    if (tick.t % schedule.intervalSeconds !== 0) continue;
    const { decision } = judge.observe({ t: tick.t, metrics: { errors: { canary, baseline } } });
    canary = { requests: 0, bad: 0 };
    baseline = { requests: 0, bad: 0 };
    if (decision === 'rollback') return { decision, t: tick.t };
    // A promote decision before the last step is not acted on: the operator moves on after the bake.
    if (decision === 'promote' && tick.t > lastStart) return { decision, t: tick.t };
  }
  return { decision: null, t: Infinity };
}

export function describeSchedule(schedule: RolloutSchedule): string {
  return `${schedule.steps.map((s) => `${s.canaryPerMille / 10}% (${s.minBakeSeconds} s)`).join(' -> ')}, interval ${schedule.intervalSeconds} s`;
}


import type { Rng } from '../src/index';

/** What a scenario changes on the canary: its error rate and its latency distribution. */
export interface Scenario {
  readonly name: string;
  /** The metric the regression shows in: errors, or requests slower than the stable p99. */
  readonly signal: 'errors' | 'latency';
  readonly runs: number;
  readonly rps: number;
  /** Canary share of traffic at time t (seconds since the rollout started). */
  readonly weight: (t: number) => number;
  readonly baselineErrorRate: number;
  readonly canaryErrorRate: number;
  readonly latency?: LatencyChange;
  /** Probability that a 10 s datapoint is lost (both fleets, all metrics). */
  readonly missingRate?: number;
  readonly minutes: number;
  /** True when the canary is worse: rollbacks are right and promotions wrong. */
  readonly regression: boolean;
}

/** `scale`: every canary request slower by the factor; `tail`: only those above the stable p98. */
export interface LatencyChange {
  readonly kind: 'scale' | 'tail';
  readonly factor: number;
}

export interface FleetTick {
  readonly requests: number;
  readonly errors: number;
  /** Requests slower than the stable fleet's p99, fixed before the rollout. */
  readonly slow: number;
}

/** One 10 s tick of virtual time: what was served (always) and whether the datapoint arrived. */
export interface Tick {
  readonly t: number;
  readonly canary: FleetTick;
  readonly baseline: FleetTick;
  /** Canary latencies in ms (latency scenarios only; the threshold baseline reads their p99). */
  readonly canaryLatencies?: Float64Array;
  readonly missing: boolean;
}

export const TICK_SECONDS = 10;
// Stable latency: lognormal with median 400 ms and sigma 0.5 (p99 ~ 1280 ms), a typical LLM first-token time.
const LOG_MEDIAN = Math.log(400);
const SIGMA = 0.5;
export const STABLE_P99_MS = Math.exp(LOG_MEDIAN + 2.3263478740408408 * SIGMA);
const STABLE_P98_MS = Math.exp(LOG_MEDIAN + 2.0537489106318225 * SIGMA);

/** Poisson arrivals per fleet, binomial errors, lognormal latencies; all from the run's seeded stream. */
export function simulateRun(scenario: Scenario, rng: Rng): Tick[] {
  const ticks: Tick[] = [];
  const count = (scenario.minutes * 60) / TICK_SECONDS;
  for (let i = 1; i <= count; i++) {
    const t = i * TICK_SECONDS;
    const weight = scenario.weight(t - TICK_SECONDS);
    const n1 = rng.poisson(scenario.rps * weight * TICK_SECONDS);
    const n0 = rng.poisson(scenario.rps * (1 - weight) * TICK_SECONDS);
    let slow1: number;
    let latencies: Float64Array | undefined;
    if (scenario.signal === 'latency') {
      latencies = new Float64Array(n1);
      slow1 = 0;
      for (let k = 0; k < n1; k++) {
        let ms = Math.exp(LOG_MEDIAN + SIGMA * rng.normal());
        const change = scenario.latency;
        if (change && (change.kind === 'scale' || ms > STABLE_P98_MS)) ms *= change.factor;
        latencies[k] = ms;
        if (ms > STABLE_P99_MS) slow1++;
      }
    } else {
      slow1 = rng.binomial(n1, 0.01);
    }
    ticks.push({
      t,
      canary: { requests: n1, errors: rng.binomial(n1, scenario.canaryErrorRate), slow: slow1 },
      baseline: { requests: n0, errors: rng.binomial(n0, scenario.baselineErrorRate), slow: rng.binomial(n0, 0.01) },
      canaryLatencies: latencies,
      missing: rng.next() < (scenario.missingRate ?? 0),
    });
  }
  return ticks;
}

/** The bad requests a tick served on the canary, for the scenario's signal. */
export function badOf(scenario: Scenario, fleet: FleetTick): number {
  return scenario.signal === 'errors' ? fleet.errors : fleet.slow;
}

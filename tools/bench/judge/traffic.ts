import type { Rng } from '@canaryfleet/judge';

/**
 * Who sends the requests. Sessions (clients) arrive, send requests at their own rate and leave; with
 * group stickiness each session is sent to a fleet by the weights when its stickiness starts and stays
 * there until the stickiness expires, then is sent again by the weights in force.
 */
export interface ClientPopulation {
  /** Mean number of sessions active at once. */
  readonly concurrentClients: number;
  /** Sessions are short (exponential, this mean) ... */
  readonly shortSessionSeconds: number;
  /** ... or long (exponential, this mean): batch jobs and integrations that outlive a rollout. */
  readonly longSessionSeconds: number;
  /** Share of arriving sessions that are long. */
  readonly longSessionShare: number;
  /** Pareto index of a session's request rate (heavy-tailed below 2: a few sessions carry much of the traffic). */
  readonly rateTailIndex: number;
  /** Share of sessions that fail far more often, on both fleets (long prompts, malformed input). */
  readonly badClientShare: number;
  readonly badClientErrorRate: number;
}

/** What a scenario changes on the canary, and how traffic reaches it. */
export interface Scenario {
  readonly name: string;
  /** The metric the regression shows in: errors, or requests slower than the stable p99. */
  readonly signal: 'errors' | 'latency';
  readonly runs: number;
  readonly rps: number;
  /** Canary share of traffic at time t (seconds since the rollout started). */
  readonly weight: (t: number) => number;
  /** Request-weighted error rate of the baseline. */
  readonly baselineErrorRate: number;
  /** The canary's error rate for an average client; with clients, every client's error odds scale by the same odds ratio. */
  readonly canaryErrorRate: number;
  readonly latency?: LatencyChange;
  /** Probability that a 10 s datapoint is lost (both fleets, all metrics). */
  readonly missingRate?: number;
  readonly minutes: number;
  /** True when the canary is worse: rollbacks are right and promotions wrong. */
  readonly regression: boolean;
  /** Sticky clients; absent: every request is routed on its own. */
  readonly clients?: ClientPopulation;
  /** Group stickiness of the weighted forward, seconds (with clients); also what the judge is told. */
  readonly stickinessSeconds?: number;
}

/** `scale`: every canary request slower by the factor; `tail`: only those above the stable p98. */
export interface LatencyChange {
  readonly kind: 'scale' | 'tail';
  readonly factor: number;
}

export interface FleetTick {
  readonly requests: number;
  readonly errors: number;
  /** Requests slower than the stable fleet's p99, fixed before the rollout (latency scenarios). */
  readonly slow: number;
}

/** One 10 s tick of virtual time: what was served (always) and whether the datapoint arrived. */
export interface Tick {
  readonly t: number;
  readonly canary: FleetTick;
  readonly baseline: FleetTick;
  /** Canary latencies in ms (latency scenarios only; the threshold baseline reads their p99). */
  readonly canaryLatencies?: Float64Array;
  /** True when this tick's own datapoint did not arrive. */
  readonly missing: boolean;
  /** Data of earlier intervals arriving with this tick (minute datapoints, see minute-data.ts). */
  readonly late?: ReadonlyArray<{ readonly t: number; readonly canary: FleetTick; readonly baseline: FleetTick }>;
}

export const TICK_SECONDS = 10;
// Stable latency: lognormal with median 400 ms and sigma 0.5 (p99 ~ 1280 ms), a typical LLM first-token time.
const LOG_MEDIAN = Math.log(400);
const SIGMA = 0.5;
export const STABLE_P99_MS = Math.exp(LOG_MEDIAN + 2.3263478740408408 * SIGMA);
const STABLE_P98_MS = Math.exp(LOG_MEDIAN + 2.0537489106318225 * SIGMA);
const SLOW_SHARE = 0.01;

export function oddsRatioOf(scenario: Scenario): number {
  const odds = (p: number): number => p / (1 - p);
  return odds(scenario.canaryErrorRate) / odds(scenario.baselineErrorRate);
}

/**
 * One run's ticks. Poisson arrivals: bad and good requests of a fleet are independent Poisson counts
 * (thinning), so no binomial draw is needed. Latency scenarios draw each canary request's latency.
 */
export function simulateRun(scenario: Scenario, rng: Rng): Tick[] {
  const sessions = scenario.clients ? new SessionTraffic(scenario, scenario.clients, rng) : null;
  const ticks: Tick[] = [];
  const count = (scenario.minutes * 60) / TICK_SECONDS;
  for (let i = 1; i <= count; i++) {
    const t = i * TICK_SECONDS;
    const rates = sessions ? sessions.rates(t - TICK_SECONDS, t) : independentRates(scenario, t - TICK_SECONDS);
    const canaryErrors = rng.poisson(rates.canaryErrors);
    const baselineErrors = rng.poisson(rates.baselineErrors);
    const canary = canaryErrors + rng.poisson(rates.canaryRequests - rates.canaryErrors);
    const baselineSlow = scenario.signal === 'latency' ? rng.poisson(rates.baselineRequests * SLOW_SHARE) : 0;
    const baseline = scenario.signal === 'latency' ? baselineSlow + rng.poisson(rates.baselineRequests * (1 - SLOW_SHARE)) : baselineErrors + rng.poisson(rates.baselineRequests - rates.baselineErrors);
    let slow = 0;
    let latencies: Float64Array | undefined;
    if (scenario.signal === 'latency') {
      latencies = new Float64Array(canary);
      for (let k = 0; k < canary; k++) {
        let ms = Math.exp(LOG_MEDIAN + SIGMA * rng.normal());
        const change = scenario.latency;
        if (change && (change.kind === 'scale' || ms > STABLE_P98_MS)) ms *= change.factor;
        latencies[k] = ms;
        if (ms > STABLE_P99_MS) slow++;
      }
    }
    ticks.push({
      t,
      canary: { requests: canary, errors: scenario.signal === 'errors' ? canaryErrors : 0, slow },
      baseline: { requests: baseline, errors: scenario.signal === 'errors' ? baselineErrors : 0, slow: baselineSlow },
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

/** Expected requests and errors per fleet over one tick. */
interface TickRates {
  readonly canaryRequests: number;
  readonly canaryErrors: number;
  readonly baselineRequests: number;
  readonly baselineErrors: number;
}

function independentRates(scenario: Scenario, start: number): TickRates {
  const weight = scenario.weight(start);
  const canaryRequests = scenario.rps * weight * TICK_SECONDS;
  const baselineRequests = scenario.rps * (1 - weight) * TICK_SECONDS;
  return { canaryRequests, canaryErrors: canaryRequests * scenario.canaryErrorRate, baselineRequests, baselineErrors: baselineRequests * scenario.baselineErrorRate };
}

interface Session {
  readonly begin: number;
  readonly end: number;
  readonly rate: number;
  readonly errorRate: number;
  readonly canaryErrorRate: number;
  onCanary: boolean;
  /** When the session's stickiness next expires (it is then sent again by the weights). */
  nextAssignment: number;
}

/**
 * Sessions in steady state at the rollout's start (memoryless durations: an active session's remaining
 * life has its type's distribution, and a session is long with probability proportional to its mean
 * duration), then Poisson arrivals. A session's first request after the start is routed by the weights:
 * before the canary, the listener forwarded to one group and set no group cookie.
 */
class SessionTraffic {
  private readonly sessions: Session[] = [];
  private readonly stickiness: number;

  constructor(
    private readonly scenario: Scenario,
    population: ClientPopulation,
    private readonly rng: Rng,
  ) {
    this.stickiness = scenario.stickinessSeconds ?? 300;
    if (!(this.stickiness >= 1)) throw new RangeError(`${scenario.name}: stickinessSeconds must be >= 1 with clients; got ${this.stickiness}`);
    const meanDuration = population.longSessionShare * population.longSessionSeconds + (1 - population.longSessionShare) * population.shortSessionSeconds;
    const longWhenActive = (population.longSessionShare * population.longSessionSeconds) / meanDuration;
    const paretoMean = population.rateTailIndex / (population.rateTailIndex - 1);
    const goodErrorRate = (scenario.baselineErrorRate - population.badClientShare * population.badClientErrorRate) / (1 - population.badClientShare);
    const psi = oddsRatioOf(scenario);
    const scaleOdds = (p: number): number => (psi * p) / (1 - p + psi * p);
    const exponential = (mean: number): number => -Math.log(1 - rng.next()) * mean;
    const add = (start: number, long: boolean): void => {
      const bad = rng.next() < population.badClientShare;
      const errorRate = bad ? population.badClientErrorRate : goodErrorRate;
      const rate = ((scenario.rps / population.concurrentClients) * Math.pow(1 - rng.next(), -1 / population.rateTailIndex)) / paretoMean;
      const end = start + exponential(long ? population.longSessionSeconds : population.shortSessionSeconds);
      this.sessions.push({ begin: start, end, rate, errorRate, canaryErrorRate: scaleOdds(errorRate), onCanary: false, nextAssignment: start });
    };
    const active = rng.poisson(population.concurrentClients);
    for (let i = 0; i < active; i++) add(0, rng.next() < longWhenActive);
    const horizon = scenario.minutes * 60;
    for (let t = exponential(meanDuration / population.concurrentClients); t < horizon; t += exponential(meanDuration / population.concurrentClients)) {
      add(t, rng.next() < population.longSessionShare);
    }
  }

  rates(start: number, end: number): TickRates {
    let canaryRequests = 0;
    let canaryErrors = 0;
    let baselineRequests = 0;
    let baselineErrors = 0;
    for (const session of this.sessions) {
      if (session.begin >= end || session.end <= start) continue;
      while (session.nextAssignment < end) {
        session.onCanary = this.rng.next() < this.scenario.weight(session.nextAssignment);
        session.nextAssignment += this.stickiness;
      }
      // The fleet after the tick's last assignment serves the whole tick (10 s granularity).
      const requests = session.rate * (Math.min(end, session.end) - Math.max(start, session.begin));
      if (requests <= 0) continue;
      if (session.onCanary) {
        canaryRequests += requests;
        canaryErrors += requests * session.canaryErrorRate;
      } else {
        baselineRequests += requests;
        baselineErrors += requests * session.errorRate;
      }
    }
    return { canaryRequests, canaryErrors, baselineRequests, baselineErrors };
  }
}

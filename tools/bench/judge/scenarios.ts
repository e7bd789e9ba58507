import type { ClientPopulation, Scenario } from './traffic';

const constant = (w: number) => (): number => w;
// 5 -> 10 -> 25 -> 50% every 5 minutes.
const ramp = (t: number): number => [0.05, 0.1, 0.25, 0.5][Math.min(3, Math.floor(t / 300))];

const errors = { signal: 'errors' as const, rps: 100, weight: constant(0.05), baselineErrorRate: 0.005, minutes: 60 };

/** The scenarios of issue 5, point 10, every request routed on its own. `runs` is the stated sample size of each. */
export const INDEPENDENT_SCENARIOS: readonly Scenario[] = [
  { ...errors, name: 'A/A 0.5% vs 0.5%', runs: 2000, canaryErrorRate: 0.005, regression: false },
  { ...errors, name: '2x errors', runs: 500, canaryErrorRate: 0.01, regression: true },
  { ...errors, name: '5x errors', runs: 500, canaryErrorRate: 0.025, regression: true },
  { ...errors, name: '20x errors', runs: 500, canaryErrorRate: 0.1, regression: true },
  { ...errors, name: '5x errors, 10 rps / 10%', runs: 500, rps: 10, weight: constant(0.1), canaryErrorRate: 0.025, regression: true },
  { ...errors, name: '2x errors, weights 5-10-25-50%', runs: 500, weight: ramp, canaryErrorRate: 0.01, regression: true },
  { ...errors, name: 'latency +20% (all)', runs: 300, signal: 'latency', canaryErrorRate: 0.005, latency: { kind: 'scale', factor: 1.2 }, regression: true },
  { ...errors, name: 'latency +50% (tail > p98)', runs: 300, signal: 'latency', canaryErrorRate: 0.005, latency: { kind: 'tail', factor: 1.5 }, regression: true },
  { ...errors, name: '5x errors, 20% missing', runs: 500, canaryErrorRate: 0.025, missingRate: 0.2, regression: true },
  { ...errors, name: 'A/A, 20% missing', runs: 1000, canaryErrorRate: 0.005, missingRate: 0.2, regression: false },
];

/**
 * Sticky, heterogeneous clients (issue 11): about 1000 sessions at once behind 100 rps; per-session
 * request rates Pareto with index 1.5 (the busiest 1% of sessions send about a fifth of the requests);
 * 2% of sessions fail 10% of their requests on both fleets and carry about 40% of the errors; sessions
 * last 10 minutes or, for 30% of arrivals (batch jobs, integrations), 3 hours, so most sessions active
 * during a rollout outlive it.
 */
export const STICKY_CLIENTS: ClientPopulation = {
  concurrentClients: 1000,
  shortSessionSeconds: 600,
  longSessionSeconds: 10800,
  longSessionShare: 0.3,
  rateTailIndex: 2,
  badClientShare: 0.02,
  badClientErrorRate: 0.1,
};

/** The whole rollout: ALB's longest stickiness (7 days) outlasts any rollout. */
export const WHOLE_ROLLOUT_SECONDS = 604800;

const sticky = { ...errors, weight: constant(0.1), clients: STICKY_CLIENTS };

/** The sticky scenarios: the A/A targets (<= 1.5% false rollbacks, >= 1000 runs) and detection under stickiness. */
export const STICKY_SCENARIOS: readonly Scenario[] = [
  { ...sticky, name: 'A/A sticky 300 s', runs: 1000, canaryErrorRate: 0.005, stickinessSeconds: 300, regression: false },
  { ...sticky, name: 'A/A sticky 3600 s', runs: 1000, canaryErrorRate: 0.005, stickinessSeconds: 3600, regression: false },
  { ...sticky, name: 'A/A sticky whole rollout (2 h)', runs: 1000, minutes: 120, canaryErrorRate: 0.005, stickinessSeconds: WHOLE_ROLLOUT_SECONDS, regression: false },
  { ...sticky, name: '2x errors sticky 300 s', runs: 300, canaryErrorRate: 0.01, stickinessSeconds: 300, regression: true },
  { ...sticky, name: '5x errors sticky 300 s', runs: 300, canaryErrorRate: 0.025, stickinessSeconds: 300, regression: true },
  { ...sticky, name: '20x errors sticky 300 s', runs: 300, canaryErrorRate: 0.1, stickinessSeconds: 300, regression: true },
  { ...sticky, name: '5x errors sticky whole rollout', runs: 300, canaryErrorRate: 0.025, stickinessSeconds: WHOLE_ROLLOUT_SECONDS, regression: true },
  { ...sticky, name: '20x errors sticky whole rollout', runs: 300, canaryErrorRate: 0.1, stickinessSeconds: WHOLE_ROLLOUT_SECONDS, regression: true },
];

/** ALB-shaped data on sticky traffic: one datapoint per fleet and minute, none without requests, some late or lost. */
export const MINUTE_SCENARIOS: readonly Scenario[] = [
  { ...sticky, name: 'A/A sticky 300 s, minute datapoints late and lost', runs: 1000, canaryErrorRate: 0.005, stickinessSeconds: 300, regression: false },
  { ...sticky, name: '5x errors sticky 300 s, minute datapoints late and lost', runs: 300, canaryErrorRate: 0.025, stickinessSeconds: 300, regression: true },
];

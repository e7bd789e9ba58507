import type { Scenario } from './simulator';

const constant = (w: number) => (): number => w;
// 5 -> 10 -> 25 -> 50% every 5 minutes.
const ramp = (t: number): number => [0.05, 0.1, 0.25, 0.5][Math.min(3, Math.floor(t / 300))];

const errors = { signal: 'errors' as const, rps: 100, weight: constant(0.05), baselineErrorRate: 0.005, minutes: 60 };

/** The scenarios of issue 5, point 10. `runs` is the stated sample size of each. */
export const SCENARIOS: readonly Scenario[] = [
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

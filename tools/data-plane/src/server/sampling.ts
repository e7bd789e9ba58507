import type { ModelBehaviour } from '../model-catalog';

/** What one completion does: how long it takes, whether it fails, and the quality of its output. */
export interface CompletionOutcome {
  readonly latencyMs: number;
  readonly fails: boolean;
  readonly qualityScore: number;
}

function standardNormal(random: () => number): number {
  // Box-Muller: two uniforms give one standard normal draw.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Draws a completion's outcome. A slow request takes the slow-request threshold plus an exponential
 * tail, so the share of requests above the threshold is exactly the model's `slowShare` whatever the
 * threshold; other requests are log-normal around the median and stay below it.
 */
export function sampleCompletion(behaviour: ModelBehaviour, slowRequestMs: number, random: () => number = Math.random): CompletionOutcome {
  const fails = random() < behaviour.errorRate;
  const slow = random() < behaviour.slowShare;
  const latencyMs = slow
    ? slowRequestMs * (1.05 - 0.5 * Math.log(1 - random()))
    : Math.min(behaviour.medianLatencyMs * Math.exp(0.5 * standardNormal(random)), 0.8 * slowRequestMs);
  const qualityScore = Math.min(1, Math.max(0, behaviour.meanQuality + 0.08 * standardNormal(random)));
  return { latencyMs: fails ? Math.min(latencyMs, 5) : latencyMs, fails, qualityScore };
}

/**
 * Latency is judged as a count metric: requests slower than a threshold fixed *before* the rollout.
 * Fixing it in advance keeps the count test valid (a threshold tuned on the canary's own data is not);
 * the count is then compared with the same conditional odds-ratio test as errors.
 *
 * Sources (see docs/judge.md): ALB access logs or per-request histograms give exact counts; CloudWatch
 * TargetResponseTime per target group gives SampleCount and the percentile rank PR(:threshold) per
 * period, so slow = SampleCount x (1 - PR/100) (percentiles such as p99 are not counts and cannot be
 * tested this way).
 */
export interface LatencyThresholdInput {
  /** Stable fleet's recent p99 latency in ms, measured before the rollout starts. */
  readonly stableP99Ms?: number;
  /** Service-level objective in ms. */
  readonly sloMs?: number;
}

/**
 * The threshold for "slow": the stable fleet's recent p99 when known (about 1% of baseline requests
 * exceed it, which gives the test events to work with), capped by the SLO when both are given.
 */
export function latencyThreshold(input: LatencyThresholdInput): number {
  const { stableP99Ms, sloMs } = input;
  for (const [field, value] of [['stableP99Ms', stableP99Ms], ['sloMs', sloMs]] as const) {
    if (value !== undefined && !(value > 0 && Number.isFinite(value))) throw new RangeError(`${field} must be a finite number of ms > 0; got ${value}`);
  }
  if (stableP99Ms === undefined && sloMs === undefined) throw new RangeError('latencyThreshold needs stableP99Ms or sloMs');
  return Math.min(stableP99Ms ?? Infinity, sloMs ?? Infinity);
}

/** Number of latencies strictly above the threshold (for per-request data such as ALB access logs). */
export function countSlow(latenciesMs: ArrayLike<number>, thresholdMs: number): number {
  let slow = 0;
  for (let i = 0; i < latenciesMs.length; i++) if (latenciesMs[i] > thresholdMs) slow++;
  return slow;
}

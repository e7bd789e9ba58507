/** One metric's claim on the rollback alpha budget. */
export interface AlphaClaim {
  readonly metric: string;
  /** Relative share; critical metrics take a larger one. Range (0, inf). @default 1 */
  readonly weight?: number;
}

/**
 * Splits the rollback budget across metrics in proportion to their weights (Bonferroni): the rollout
 * rolls back if any metric rejects, so P(any false rollback) <= sum of shares = total.
 * Promotion needs every gate to pass (an intersection-union test), so each gate may use the whole
 * promotion alpha: a bad canary is promoted only if the gate of the metric it is bad on wrongly passes.
 */
export function splitAlpha(total: number, claims: readonly AlphaClaim[]): Map<string, number> {
  if (!(total > 0 && total < 0.5)) throw new RangeError(`alpha must be in (0, 0.5); got ${total}`);
  if (claims.length === 0) throw new RangeError('the alpha budget needs at least one metric');
  const seen = new Set<string>();
  let sum = 0;
  for (const claim of claims) {
    if (seen.has(claim.metric)) throw new RangeError(`metric "${claim.metric}" appears twice in the alpha budget`);
    seen.add(claim.metric);
    const weight = claim.weight ?? 1;
    if (!(weight > 0 && Number.isFinite(weight))) throw new RangeError(`metrics.${claim.metric}.weight must be a finite number > 0; got ${weight}`);
    sum += weight;
  }
  return new Map(claims.map((claim) => [claim.metric, (total * (claim.weight ?? 1)) / sum]));
}

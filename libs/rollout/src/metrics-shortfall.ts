/**
 * Are the canary's requests too few for its share (safety rule 4)? Of `total` weighted requests the
 * canary should get about `total * share`; an empty minute at 0.1 % is normal, so the test is on the
 * whole step and only flags what is improbable: the Chernoff bound
 * P(X <= k) <= exp(-n KL(k/n || p)) for X ~ Bin(n, p), k < n p, below `alpha`. The bound is above the
 * exact tail, so a shortfall is declared only when it is at least that unlikely.
 */
export const SHORTFALL_ALPHA = 1e-3;

function klBernoulli(q: number, p: number): number {
  const term = (a: number, b: number) => (a === 0 ? 0 : a * Math.log(a / b));
  return term(q, p) + term(1 - q, 1 - p);
}

export interface ShortfallCheck {
  readonly shortfall: boolean;
  readonly expected: number;
  readonly observed: number;
  /** Upper bound of P(canary requests <= observed) if the share held. */
  readonly probabilityBound: number;
}

/**
 * Sticky clients, a few of them heavy, hold the canary's realized share of requests away from its
 * weight: which clients landed on the canary is chance that more requests never average out (ADR 0008).
 * The test is therefore against a quarter of the share, which still catches what the rule is for: a
 * canary whose requests or metrics do not arrive.
 */
export const SHORTFALL_SHARE_TOLERANCE = 0.25;

/**
 * The share, per mille, the canary's requests are tested against in a step: a quarter of its share;
 * during the first stickiness window of a step, of the lower of this and the previous step's share,
 * because clients bound to a group before the step keep it for the stickiness duration at any weight.
 */
export function shortfallFloorPerMille(step: { share: number; previousShare: number | null; secondsInStep: number; stickinessSeconds: number }): number {
  const held = step.previousShare !== null && step.secondsInStep < step.stickinessSeconds ? Math.min(step.share, step.previousShare) : step.share;
  return held * SHORTFALL_SHARE_TOLERANCE;
}

/** `expected` is at the full share; the test is against `floorPerMille` (shortfallFloorPerMille). */
export function canaryRequestShortfall(canaryRequests: number, totalRequests: number, canaryPerMille: number, floorPerMille: number = canaryPerMille): ShortfallCheck {
  const expected = (totalRequests * canaryPerMille) / 1000;
  const p = floorPerMille / 1000;
  if (totalRequests === 0 || canaryRequests >= totalRequests * p) return { shortfall: false, expected, observed: canaryRequests, probabilityBound: 1 };
  const bound = Math.exp(-totalRequests * klBernoulli(canaryRequests / totalRequests, p));
  return { shortfall: bound < SHORTFALL_ALPHA, expected, observed: canaryRequests, probabilityBound: bound };
}

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

export function canaryRequestShortfall(canaryRequests: number, totalRequests: number, canaryPerMille: number): ShortfallCheck {
  const p = canaryPerMille / 1000;
  const expected = totalRequests * p;
  if (totalRequests === 0 || canaryRequests >= expected) return { shortfall: false, expected, observed: canaryRequests, probabilityBound: 1 };
  const bound = Math.exp(-totalRequests * klBernoulli(canaryRequests / totalRequests, p));
  return { shortfall: bound < SHORTFALL_ALPHA, expected, observed: canaryRequests, probabilityBound: bound };
}

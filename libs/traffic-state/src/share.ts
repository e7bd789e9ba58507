import { TrafficStateError } from './errors';

/**
 * A canary share is an integer number of per mille (0.1 % steps): 1 = 0.1 %, 50 = 5 %, 999 = 99.9 %.
 * Integers keep every share exact in the document, in the ALB weights and in the judge's arithmetic.
 */
export const MIN_CANARY_PER_MILLE = 1;
export const MAX_CANARY_PER_MILLE = 999;
/** The sum of the two ALB weights of a weighted state: weight = per mille. */
export const WEIGHT_SCALE = 1000;

const PERCENT = /^(\d{1,3})(?:\.(\d))?$/;

/**
 * Parses a share written in percent with at most one decimal ("0.1", "5", "99.9") into per mille,
 * without floating point. `field` names where the value came from in the error.
 */
export function parseSharePercent(text: string, field: string): number {
  const match = PERCENT.exec(text.trim());
  const perMille = match ? Number(match[1]) * 10 + Number(match[2] ?? 0) : Number.NaN;
  if (!match || perMille > WEIGHT_SCALE) {
    throw new TrafficStateError(field, text, 'a percentage from 0 to 100 with at most one decimal, like 0.1, 5 or 99.9');
  }
  return perMille;
}

/** "0.1 %", "5 %", "99.9 %": what people read in events, plans and reports. */
export function formatShare(perMille: number): string {
  return `${perMille % 10 === 0 ? String(perMille / 10) : (perMille / 10).toFixed(1)} %`;
}

/**
 * The ALB weights of a weighted canary state: canary `p`, stable `1000 - p`. For 1 <= p <= 999 both lie
 * in 1..999 (ALB allows 0..999) and the canary's share of requests, p / 1000, is exact.
 * 0 and 1000 are not weighted states: they render as a forward to one target group (docs/traffic-state.md).
 */
export function albWeights(canaryPerMille: number): { readonly stable: number; readonly canary: number } {
  if (!Number.isInteger(canaryPerMille) || canaryPerMille < MIN_CANARY_PER_MILLE || canaryPerMille > MAX_CANARY_PER_MILLE) {
    throw new TrafficStateError('canaryPerMille', canaryPerMille, `an integer from ${MIN_CANARY_PER_MILLE} to ${MAX_CANARY_PER_MILLE} per mille for a weighted forward`);
  }
  return { stable: WEIGHT_SCALE - canaryPerMille, canary: canaryPerMille };
}

import { Token } from 'cdktf';

/**
 * A construct prop outside its allowed range, thrown by every construct library here: the message
 * names the prop, the value and what is allowed (aws-cdk convention).
 */
export class PropError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropError';
  }
}

/** Unresolved tokens are validated by AWS at apply time, not here (aws-cdk convention). */
export function isKnown(value: number | undefined): value is number {
  return value !== undefined && !Token.isUnresolved(value);
}

/** Throws a PropError unless `value` is unset, a token, or an integer from `min` to `max`; `unit` follows the range. */
export function requireIntegerIn(prop: string, value: number | undefined, min: number, max: number, unit = ''): void {
  if (!isKnown(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PropError(`${prop} = ${value}: must be an integer from ${min} to ${max}${unit}`);
  }
}

import { Token } from 'cdktf';

/** Thrown for a construct prop outside its allowed range: names the prop, the value and the range. */
export class RoutingPropError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoutingPropError';
  }
}

/** Unresolved tokens are validated by AWS at apply time, not here (aws-cdk convention). */
export function isKnown(value: number | undefined): value is number {
  return value !== undefined && !Token.isUnresolved(value);
}

export function requireIntegerIn(prop: string, value: number | undefined, min: number, max: number, extra = ''): void {
  if (!isKnown(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RoutingPropError(`${prop} = ${value}: must be an integer from ${min} to ${max}${extra}`);
  }
}

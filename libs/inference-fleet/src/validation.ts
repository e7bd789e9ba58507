import { Token } from 'cdktf';

/** Thrown for a fleet prop outside its allowed range: names the prop, the value and the range. */
export class FleetPropError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FleetPropError';
  }
}

export function requireIntegerIn(prop: string, value: number | undefined, min: number, max: number, unit = ''): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new FleetPropError(`${prop} = ${value}: must be an integer from ${min} to ${max}${unit}`);
  }
}

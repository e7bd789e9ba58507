/** A value the traffic contract does not allow: names the field, the value and what is allowed. */
export class TrafficStateError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${field} = ${value === undefined ? 'missing' : JSON.stringify(value)}: must be ${allowed}`);
    this.name = 'TrafficStateError';
  }
}

/** A transition that the current phase does not allow (promote while idle, start while a canary runs). */
export class TransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransitionError';
  }
}

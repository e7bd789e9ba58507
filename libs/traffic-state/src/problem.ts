/** One problem of a document as a reader can compare it: `field = value: message` split back apart. */
export interface Problem {
  readonly field: string;
  /** The value as JSON, `'missing'` for a missing field, undefined for `field: message` lines (unknown fields, not JSON). */
  readonly value: unknown;
  readonly message: string;
}

/**
 * Parses a problem line as the library and the Terraform checks write it. Values compare as JSON, so a
 * Terraform message (object keys sorted) equals the library's for the same document.
 */
export function parseProblem(line: string): Problem {
  const equals = line.indexOf(' = ');
  const colon = line.indexOf(': ');
  if (equals < 0 || (colon >= 0 && colon < equals)) return { field: line.slice(0, colon), value: undefined, message: line.slice(colon + 2) };
  const field = line.slice(0, equals);
  const rest = line.slice(equals + 3);
  for (let at = rest.indexOf(': '); at >= 0; at = rest.indexOf(': ', at + 1)) {
    const text = rest.slice(0, at);
    if (text === 'missing') return { field, value: 'missing', message: rest.slice(at + 2) };
    try {
      return { field, value: JSON.parse(text), message: rest.slice(at + 2) };
    } catch {
      // The value's JSON ends at a later ': '.
    }
  }
  throw new Error(`not a traffic-state problem line: ${line}`);
}

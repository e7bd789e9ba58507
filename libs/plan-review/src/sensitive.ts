/** What the review prints instead of a value, exactly as terraform's own plan output does. */
export const SENSITIVE = '(sensitive value)';
export const UNKNOWN = '(known after apply)';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The part of a mirror structure (`*_sensitive`, `after_unknown`) that describes `key`. */
export function child(mirror: unknown, key: string | number): unknown {
  if (Array.isArray(mirror) && typeof key === 'number') return mirror[key];
  if (isObject(mirror) && typeof key === 'string') return mirror[key];
  return undefined;
}

/**
 * A copy of `value` safe to print: wherever `sensitive` (terraform's before_/after_sensitive mirror) is
 * `true` the value becomes "(sensitive value)", wherever `unknown` (after_unknown) is `true` it becomes
 * "(known after apply)". A mirror that is `true` at a container masks the whole container.
 */
export function maskValue(value: unknown, sensitive: unknown, unknown?: unknown): Json {
  if (sensitive === true) return SENSITIVE;
  if (unknown === true) return UNKNOWN;
  if (Array.isArray(value)) return value.map((item, i) => maskValue(item, child(sensitive, i), child(unknown, i)));
  if (isObject(value)) {
    const keys = new Set([...Object.keys(value), ...(isObject(unknown) ? Object.keys(unknown).filter((key) => child(unknown, key) === true) : [])]);
    return Object.fromEntries([...keys].sort().map((key) => [key, maskValue(value[key], child(sensitive, key), child(unknown, key))]));
  }
  return value === undefined ? null : (value as Json);
}

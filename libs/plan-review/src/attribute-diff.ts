import type { ResourceChange } from './resource-change';
import { child, maskValue, UNKNOWN } from './sensitive';

/** One changed attribute, values already masked for printing (`undefined`: absent on that side). */
export interface AttributeChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly forcesReplacement: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(maskValue(a, undefined)) === JSON.stringify(maskValue(b, undefined));
}

function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/**
 * Blocks that are sets in the provider schema: terraform orders their elements by hash (with random ids
 * in it), so they are compared as a whole, sorted, rather than element by element.
 */
const UNORDERED = [/(^|\.)forward(\[\d+\])?\.target_group$/, /^(ingress|egress)$/];

function sorted(value: unknown, sensitive: unknown, unknown?: unknown): unknown {
  const masked = maskValue(value, sensitive, unknown);
  return Array.isArray(masked) ? [...masked].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) : masked;
}

interface Side {
  readonly value: unknown;
  readonly sensitive: unknown;
}

/**
 * The attributes that differ between `before` and `after`, leaf by leaf. Values are compared raw (so a
 * changed secret is listed) but returned masked (so it is never printed).
 */
export function attributeChanges(change: ResourceChange): AttributeChange[] {
  const out: { path: string; before: unknown; after: unknown }[] = [];
  const walk = (path: string, before: Side, after: Side, unknown: unknown): void => {
    if (unknown === true) {
      out.push({ path, before: isEmpty(before.value) ? undefined : maskValue(before.value, before.sensitive), after: UNKNOWN });
      return;
    }
    if (before.sensitive === true || after.sensitive === true) {
      if (!sameJson(before.value, after.value) || before.sensitive !== after.sensitive) {
        out.push({ path, before: isEmpty(before.value) ? undefined : maskValue(before.value, before.sensitive), after: isEmpty(after.value) ? undefined : maskValue(after.value, after.sensitive) });
      }
      return;
    }
    const bothArrays = Array.isArray(before.value) && Array.isArray(after.value);
    if (bothArrays && UNORDERED.some((pattern) => pattern.test(path))) {
      const b = sorted(before.value, before.sensitive);
      const a = sorted(after.value, after.sensitive, unknown);
      if (JSON.stringify(b) !== JSON.stringify(a)) out.push({ path, before: b, after: a });
      return;
    }
    const bothObjects = isObject(before.value) && isObject(after.value);
    if (bothArrays || bothObjects) {
      const keys: (string | number)[] = bothArrays
        ? [...Array(Math.max((before.value as unknown[]).length, (after.value as unknown[]).length)).keys()]
        : [...new Set([...Object.keys(before.value as object), ...Object.keys(after.value as object)])].sort();
      for (const key of keys) {
        walk(
          join(path, key),
          { value: child(before.value, key), sensitive: child(before.sensitive, key) },
          { value: child(after.value, key), sensitive: child(after.sensitive, key) },
          child(unknown, key),
        );
      }
      // Unknown attributes may be missing from `after` itself.
      if (isObject(unknown)) {
        for (const key of Object.keys(unknown).filter((k) => unknown[k] === true && !keys.includes(k))) {
          walk(join(path, key), { value: child(before.value, key), sensitive: child(before.sensitive, key) }, { value: undefined, sensitive: undefined }, true);
        }
      }
      return;
    }
    // A block added or removed as a whole, an empty value filled in, or a scalar changed.
    if (isEmpty(before.value) && isEmpty(after.value)) return;
    if (!sameJson(before.value, after.value)) {
      out.push({
        path,
        before: isEmpty(before.value) ? undefined : maskValue(before.value, before.sensitive),
        after: isEmpty(after.value) ? undefined : maskValue(after.value, after.sensitive),
      });
    }
  };
  walk('', { value: change.before ?? {}, sensitive: change.beforeSensitive }, { value: change.after ?? {}, sensitive: change.afterSensitive }, change.afterUnknown);
  return out.map((item) => ({
    ...item,
    forcesReplacement: change.replacePaths.some((p) => item.path === p || item.path.startsWith(`${p}.`) || item.path.startsWith(`${p}[`)),
  }));
}


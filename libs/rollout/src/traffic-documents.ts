import type { TrafficState } from '@canaryfleet/traffic-state';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const FIELDS = ['revision', 'stable', 'phase', 'canaryPerMille', 'releases.blue', 'releases.green', 'rolloutId', 'updatedAt', 'updatedBy', 'schemaVersion'] as const;

function field(state: TrafficState, path: (typeof FIELDS)[number]): unknown {
  if (path === 'releases.blue') return state.releases.blue;
  if (path === 'releases.green') return state.releases.green;
  return state[path];
}

/** "phase: expected canary, found idle", one per field that differs; empty when the documents are equal. */
export function documentDifferences(expected: TrafficState, found: TrafficState): string[] {
  return FIELDS.filter((path) => canonical(field(expected, path)) !== canonical(field(found, path))).map(
    (path) => `${path}: expected ${JSON.stringify(field(expected, path))}, found ${JSON.stringify(field(found, path))}`,
  );
}

export function sameDocument(a: TrafficState, b: TrafficState): boolean {
  return canonical(a) === canonical(b);
}

import type { ResourceChange } from './resource-change';

export interface ChangeCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly noOp: number;
}

export function countChanges(changes: readonly ResourceChange[]): ChangeCounts {
  const count = (kind: ResourceChange['kind']) => changes.filter((change) => change.kind === kind).length;
  return { create: count('create'), update: count('update'), replace: count('replace'), delete: count('delete'), noOp: count('no-op') };
}

export function hasChanges(counts: ChangeCounts): boolean {
  return counts.create + counts.update + counts.replace + counts.delete > 0;
}

/** "2 to create, 1 to replace" — terraform's own wording, zero counts left out. */
export function describeCounts(counts: ChangeCounts): string {
  const parts = [
    [counts.create, 'to create'],
    [counts.update, 'to update'],
    [counts.replace, 'to replace'],
    [counts.delete, 'to delete'],
  ].filter(([n]) => (n as number) > 0);
  return parts.length === 0 ? 'no changes' : parts.map(([n, what]) => `${n} ${what}`).join(', ');
}

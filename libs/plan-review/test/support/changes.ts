import type { ChangeKind, ResourceChange } from '../../src';

/** A hand-made resource change for unit tests of one rule. */
export function change(address: string, kind: ChangeKind, before: unknown, after: unknown, extra: Partial<ResourceChange> = {}): ResourceChange {
  return { address, type: address.split('.')[0], kind, before, after, replacePaths: [], ...extra };
}

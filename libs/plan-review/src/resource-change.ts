import type { PlanAction, PlanJson } from './plan-json';

/** What happens to one resource, as reviewers name it. */
export type ChangeKind = 'create' | 'update' | 'replace' | 'delete' | 'no-op';

/**
 * One resource's change, from a plan or from a synth diff: the input of the risk rules and the renderer.
 * `before`/`after` hold raw values (sensitive ones included); only the renderer masks them.
 */
export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  readonly before: unknown;
  readonly after: unknown;
  readonly afterUnknown?: unknown;
  readonly beforeSensitive?: unknown;
  readonly afterSensitive?: unknown;
  /** Attribute paths (e.g. `port`, `ingress[0].cidr_blocks`) that force the replacement. */
  readonly replacePaths: readonly string[];
  /**
   * Synth diff only: an update that may as well be a replacement. Which attributes force a new resource
   * is in the provider's schema, which only a plan consults; the review says so instead of guessing.
   */
  readonly replacementUnknown?: boolean;
}

export function changeKind(actions: readonly PlanAction[]): ChangeKind {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  if (actions.includes('create')) return 'create';
  if (actions.includes('delete')) return 'delete';
  if (actions.includes('update')) return 'update';
  // read (data sources), forget (removed blocks) and no-op leave managed infrastructure as it is.
  return 'no-op';
}

export function formatPath(path: readonly (string | number)[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

/** The managed resources of a plan; data sources are reads, not changes. */
export function resourceChangesOfPlan(plan: PlanJson): ResourceChange[] {
  return (plan.resource_changes ?? [])
    .filter((change) => change.mode === 'managed')
    .map((change) => ({
      address: change.address,
      type: change.type,
      kind: changeKind(change.change.actions),
      before: change.change.before,
      after: change.change.after,
      afterUnknown: change.change.after_unknown,
      beforeSensitive: change.change.before_sensitive,
      afterSensitive: change.change.after_sensitive,
      replacePaths: (change.change.replace_paths ?? []).map(formatPath),
    }));
}

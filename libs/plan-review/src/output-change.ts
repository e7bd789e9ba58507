import { changeKind, type ChangeKind } from './resource-change';
import type { PlanChange, PlanJson } from './plan-json';

/**
 * One root-module output that changes. Outputs are what the operator and other tools read
 * (`nx run <env>:outputs`), so a changed or removed output matters even when no resource changes.
 */
export interface OutputChange {
  readonly name: string;
  readonly kind: Exclude<ChangeKind, 'no-op' | 'replace'>;
  readonly before: unknown;
  readonly after: unknown;
  readonly afterUnknown?: unknown;
  readonly beforeSensitive?: unknown;
  readonly afterSensitive?: unknown;
}

function kindOf(change: PlanChange): OutputChange['kind'] | undefined {
  const kind = changeKind(change.actions);
  if (kind === 'no-op') return undefined;
  return kind === 'replace' ? 'update' : kind;
}

/** The outputs a saved plan changes, by name. */
export function outputChangesOfPlan(plan: PlanJson): OutputChange[] {
  return Object.entries(plan.output_changes ?? {})
    .flatMap(([name, change]): OutputChange[] => {
      const kind = kindOf(change);
      return kind
        ? [{ name, kind, before: change.before, after: change.after, afterUnknown: change.after_unknown, beforeSensitive: change.before_sensitive, afterSensitive: change.after_sensitive }]
        : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Synth diff: outputs whose configured value (an expression, in configuration) changes, by name. */
export function diffOutputs(before: Readonly<Record<string, { value?: unknown; sensitive?: unknown }>> = {}, after: Readonly<Record<string, { value?: unknown; sensitive?: unknown }>> = {}): OutputChange[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .sort()
    .flatMap((name): OutputChange[] => {
      const b = before[name];
      const a = after[name];
      if (JSON.stringify(b?.value) === JSON.stringify(a?.value) && b?.sensitive === a?.sensitive) return [];
      const kind = b === undefined ? 'create' : a === undefined ? 'delete' : 'update';
      return [{ name, kind, before: b?.value ?? null, after: a?.value ?? null, beforeSensitive: b?.sensitive === true, afterSensitive: a?.sensitive === true }];
    });
}

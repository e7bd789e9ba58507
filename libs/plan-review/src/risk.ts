import type { ResourceChange } from './resource-change';

/** The families of risk plan review flags; docs/plan-review.md explains each. */
export type RiskRuleId =
  | 'stateful-replace-or-delete'
  | 'world-open-ingress'
  | 'iam-widening'
  | 'policy-widening'
  | 'fleet-capacity'
  | 'listener-routing'
  | 'traffic-state-recreated'
  | 'protection-off';

/** One risky change: where it is and why a reviewer must look at it. */
export interface Risk {
  readonly rule: RiskRuleId;
  readonly address: string;
  /** The attribute that carries the risk; `undefined` when it is the resource as a whole. */
  readonly attribute?: string;
  readonly reason: string;
}

/**
 * A family of risk rules: a change in, the risks it carries out. `all` is every change of the same stack,
 * for rules that name related resources (a listener's target groups).
 */
export type RiskRule = (change: ResourceChange, all: readonly ResourceChange[]) => Risk[];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The attribute of a resource's before/after value, or undefined. */
export function attribute(value: unknown, name: string): unknown {
  return isObject(value) ? value[name] : undefined;
}

/**
 * A block attribute as an array; absent means empty. Plans write every block as a list; synthesized
 * CDKTF JSON writes a single-item block as a bare object, which counts as a list of one.
 */
export function list(value: unknown, name: string): unknown[] {
  const found = attribute(value, name);
  if (Array.isArray(found)) return found;
  return isObject(found) ? [found] : [];
}

/** A boolean as plans write it (`true`) or as CDKTF synthesizes some of them (`"true"`). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** Printable form of a scalar for reasons: `g5.xlarge`, `100`, `(none)`. */
export function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Whether the change produces a resource with `after` values (create, update, replace). */
export function producesResource(change: ResourceChange): boolean {
  return change.kind === 'create' || change.kind === 'update' || change.kind === 'replace';
}

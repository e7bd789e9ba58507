/** One statement of an IAM policy document, normalised: sorted lists for every field, actions lowercased. */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** `type:value` (`AWS:arn:…`, `Service:ec2.amazonaws.com`), or `*` for everyone; empty for identity policies. */
  readonly principals: readonly string[];
  readonly notPrincipal: boolean;
  readonly actions: readonly string[];
  readonly notAction: boolean;
  readonly resources: readonly string[];
  readonly notResource: boolean;
  /** `Operator:key=value1,value2` for every condition, sorted. */
  readonly conditions: readonly string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function principals(value: unknown): string[] {
  if (value === '*') return ['*'];
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([type, ids]) => strings(ids).map((id) => (id === '*' && type === 'AWS' ? '*' : `${type}:${id}`)));
}

function conditions(value: unknown): string[] {
  if (!isObject(value)) return [];
  return Object.entries(value)
    .flatMap(([operator, byKey]) => (isObject(byKey) ? Object.entries(byKey).map(([key, values]) => `${operator}:${key}=${[values].flat().map(String).sort().join(',')}`) : []))
    .sort();
}

/**
 * The statements of a policy document given as JSON text; `undefined` when the document is not known
 * yet (known after apply, or a `${…}` reference in a synth diff), so nothing can be said about it.
 */
export function policyStatements(document: unknown): PolicyStatement[] | undefined {
  if (typeof document !== 'string' || document === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return undefined;
  }
  const raw = isObject(parsed) ? parsed.Statement : undefined;
  // A statement without a valid Effect is refused by IAM; it grants and denies nothing.
  const valid = (Array.isArray(raw) ? raw : [raw]).filter(isObject).filter((statement) => statement.Effect === 'Allow' || statement.Effect === 'Deny');
  return valid.map((statement) => ({
    sid: typeof statement.Sid === 'string' ? statement.Sid : undefined,
    effect: statement.Effect as 'Allow' | 'Deny',
    // Sorted: IAM reads them as sets, and a reordering is not a change.
    principals: principals(statement.Principal ?? statement.NotPrincipal).sort(),
    notPrincipal: statement.NotPrincipal !== undefined,
    actions: strings(statement.Action ?? statement.NotAction)
      .map((action) => action.toLowerCase())
      .sort(),
    notAction: statement.NotAction !== undefined,
    resources: strings(statement.Resource ?? statement.NotResource).sort(),
    notResource: statement.NotResource !== undefined,
    conditions: conditions(statement.Condition),
  }));
}

/** Whether an IAM wildcard pattern (`*`, `?`) matches a value; actions compare case-insensitively. */
export function wildcardMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, ignoreCase ? 'i' : '').test(value);
}

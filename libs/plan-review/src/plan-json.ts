/** The subset of `terraform show -json <saved plan>` (format 1.x) that plan review reads. */
export type PlanAction = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';

export interface PlanChange {
  readonly actions: readonly PlanAction[];
  readonly before: unknown;
  readonly after: unknown;
  /** Mirrors `after`; `true` where the value is known only after apply. */
  readonly after_unknown?: unknown;
  /** Mirror `before` / `after`; `true` where terraform masks the value as sensitive. */
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  readonly importing?: { readonly id?: string };
}

export interface PlanResourceChange {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly action_reason?: string;
  readonly change: PlanChange;
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  /** Root-module outputs, by name (`actions` as for resources; `*_sensitive` are booleans here). */
  readonly output_changes?: Readonly<Record<string, PlanChange>>;
  /** Resources terraform found changed outside Terraform since the last apply. */
  readonly resource_drift?: readonly PlanResourceChange[];
  /** Attributes whose outside changes feed the planned changes (terraform shows only that drift). */
  readonly relevant_attributes?: readonly { readonly resource: string; readonly attribute: readonly (string | number)[] }[];
  readonly errored?: boolean;
}

/** A plan file that is not what `terraform show -json` of a saved plan writes. */
export class PlanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanInputError';
  }
}

/** Parses and checks the shape of a saved plan's JSON; `source` names the file in errors. */
export function parsePlanJson(text: string, source: string): PlanJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PlanInputError(`${source}: not JSON (${(error as Error).message}); expected the output of \`terraform show -json <plan file>\``);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PlanInputError(`${source}: expected a JSON object from \`terraform show -json <plan file>\`, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}`);
  }
  const plan = parsed as Partial<PlanJson> & { values?: unknown };
  if (typeof plan.format_version !== 'string' || !plan.format_version.startsWith('1.')) {
    throw new PlanInputError(`${source}: format_version ${JSON.stringify(plan.format_version ?? null)} is not supported; plan review reads format 1.x (terraform >= 1.0)`);
  }
  if (plan.resource_changes === undefined && plan.values !== undefined) {
    throw new PlanInputError(`${source}: this is the JSON of a state, not of a saved plan; run \`terraform show -json <plan file>\``);
  }
  if (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes)) {
    throw new PlanInputError(`${source}: resource_changes must be an array`);
  }
  return plan as PlanJson;
}

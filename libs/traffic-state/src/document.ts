import { z } from 'zod';
import { FLEET_COLOURS, otherColour, type FleetColour } from './fleet-colour';
import { MAX_CANARY_PER_MILLE } from './share';

/** The version of the document this library reads and writes. */
export const SCHEMA_VERSION = 2;

export const MODEL_VERSION = /^[\w.-]{1,64}$/;
export const SERVER_IMAGE = /^[\w.-]+(:\d+)?(\/[\w.-]+)+(:[\w.-]+|@sha256:[0-9a-f]{64})$/;
export const AMI_ID = /^ami-[0-9a-f]{8,17}$/;
/** An ISO 8601 UTC time with minutes, optional seconds and fraction: zod's `z.iso.datetime()` pattern, spelled out so Terraform can check it too. */
export const UTC_TIME =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z))$/;

/**
 * The messages of every rule, by field: the zod schemas below and the Terraform preconditions
 * (terraform-conditions.ts) say exactly the same thing, which the conditions' test checks.
 */
export const MESSAGES = {
  document: 'must be a JSON object',
  documentNotJson: 'must be JSON',
  schemaVersion: `must be ${SCHEMA_VERSION}`,
  /** Where a document is read (not written): version 1 is still accepted until the operator adopts it (ADR 0007). */
  storedSchemaVersion: `must be ${SCHEMA_VERSION} (or 1, a document the rollout operator has not adopted yet)`,
  unknownFields: 'unknown field(s)',
  revision: 'must be an integer from 1',
  colour: 'must be "blue" or "green"',
  phase: 'must be one of idle, canary, promoted, rolled-back',
  canaryPerMille: `must be an integer from 0 to ${MAX_CANARY_PER_MILLE} per mille`,
  canaryPerMilleAbove: `must be an integer from 0 to ${MAX_CANARY_PER_MILLE} per mille (100 % is a promotion, not a share)`,
  releases: 'must be { blue, green }',
  release: 'must be a release { modelVersion, serverImage, amiId }, or null for a fleet that runs nothing',
  modelVersionType: 'must be a model version',
  modelVersion: 'must be 1-64 letters, digits, ., _ or -',
  serverImageType: 'must be a container image reference',
  serverImage: 'must be a container image reference with a tag or digest',
  amiIdType: 'must be an AMI id',
  amiId: 'must be an AMI id like ami-0123456789abcdef0',
  rolloutId: 'must be a non-empty rollout id or null',
  updatedAt: 'must be an ISO 8601 UTC time like 2026-11-29T12:00:00Z',
  updatedBy: 'must name the writer',
} as const;

/** The fields of a document, in the order it is written. */
export const DOCUMENT_FIELDS = ['schemaVersion', 'revision', 'stable', 'phase', 'canaryPerMille', 'releases', 'rolloutId', 'updatedAt', 'updatedBy'] as const;

const release = (error: string) =>
  z.strictObject(
    {
      modelVersion: z.string({ error: MESSAGES.modelVersionType }).regex(MODEL_VERSION, { error: MESSAGES.modelVersion, abort: true }),
      serverImage: z.string({ error: MESSAGES.serverImageType }).regex(SERVER_IMAGE, { error: MESSAGES.serverImage, abort: true }),
      amiId: z.string({ error: MESSAGES.amiIdType }).regex(AMI_ID, { error: MESSAGES.amiId, abort: true }),
    },
    { error },
  );

/**
 * What a fleet runs: the model version its servers load, the server image they run, and the AMI its
 * instances boot (resolved once, when the release starts). Instances read their fleet's release at boot.
 */
export const releaseSchema = release('must be a release { modelVersion, serverImage, amiId }');
export type Release = z.output<typeof releaseSchema>;

/**
 * - `idle`: only the stable fleet has a release; every request goes to it.
 * - `canary`: the canary fleet runs a new release and receives `canaryPerMille` of the requests (0 while it warms up).
 * - `promoted`: the stable pointer moved to the former canary; the former stable fleet drains, then idles.
 * - `rolled-back`: the canary lost; it drains, then idles.
 */
export const PHASES = ['idle', 'canary', 'promoted', 'rolled-back'] as const;
export type Phase = (typeof PHASES)[number];

export const colourSchema = z.enum(FLEET_COLOURS, { error: MESSAGES.colour });
export const revisionSchema = z.number({ error: MESSAGES.revision }).int({ error: MESSAGES.revision, abort: true }).min(1, { error: MESSAGES.revision, abort: true });
export const writerSchema = z.string({ error: MESSAGES.updatedBy }).min(1, { error: MESSAGES.updatedBy, abort: true });

function documentShape(schemaVersionMessage: string) {
  return z.strictObject(
    {
      schemaVersion: z.literal(SCHEMA_VERSION, { error: schemaVersionMessage }),
      /** Increments by one on every write: a reader detects concurrent or lost writes by it. */
      revision: revisionSchema,
      /** The fleet serving production traffic; the other one is the canary (or idle). */
      stable: colourSchema,
      phase: z.enum(PHASES, { error: MESSAGES.phase }),
      /** Share of requests the canary fleet receives, per mille (0.1 % steps). */
      canaryPerMille: z
        .number({ error: MESSAGES.canaryPerMille })
        .int({ error: MESSAGES.canaryPerMille, abort: true })
        .min(0, { error: MESSAGES.canaryPerMille, abort: true })
        .max(MAX_CANARY_PER_MILLE, { error: MESSAGES.canaryPerMilleAbove, abort: true }),
      /** What each fleet runs; null for a fleet that runs nothing. */
      releases: z.strictObject({ blue: release(MESSAGES.release).nullable(), green: release(MESSAGES.release).nullable() }, { error: MESSAGES.releases }),
      /** The rollout that owns the non-idle phases; null when idle. */
      rolloutId: z.string({ error: MESSAGES.rolloutId }).min(1, { error: MESSAGES.rolloutId, abort: true }).nullable(),
      updatedAt: z.string({ error: MESSAGES.updatedAt }).regex(UTC_TIME, { error: MESSAGES.updatedAt, abort: true }),
      updatedBy: writerSchema,
    },
    { error: MESSAGES.document },
  );
}

/** The traffic state of an environment: one JSON document in one SSM String parameter (DESIGN.md #3). */
export type TrafficState = z.output<ReturnType<typeof documentShape>>;

function sameRelease(a: Release, b: Release): boolean {
  return a.modelVersion === b.modelVersion && a.serverImage === b.serverImage && a.amiId === b.amiId;
}

/** The rules between fields, each naming its field; they run only on a document whose fields are each valid. */
function checkInvariants(state: TrafficState, ctx: z.RefinementCtx): void {
  const canary = otherColour(state.stable);
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (state.releases[state.stable] === null) {
    issue(['releases', state.stable], `must be a release: "${state.stable}" is the stable fleet, and the stable fleet always runs one`);
  }
  if (state.phase !== 'canary' && state.canaryPerMille !== 0) {
    issue(['canaryPerMille'], `must be 0 in phase "${state.phase}": only a running canary receives a share`);
  }
  if (state.phase === 'idle') {
    if (state.releases[canary] !== null) issue(['releases', canary], 'must be null in phase "idle": the idle fleet runs nothing');
    if (state.rolloutId !== null) issue(['rolloutId'], 'must be null in phase "idle"');
    return;
  }
  if (state.rolloutId === null) issue(['rolloutId'], `must name the rollout in phase "${state.phase}"`);
  const other = state.releases[canary];
  if (other === null) {
    issue(['releases', canary], `must be a release in phase "${state.phase}": ${drainingRole(state.phase)}`);
  }
  const stableRelease = state.releases[state.stable];
  if (state.phase === 'canary' && other && stableRelease && sameRelease(other, stableRelease)) {
    issue(['releases', canary], 'must differ from the stable release: a canary of the release already serving is no canary');
  }
}

/** Why the non-stable fleet must have a release in a non-idle phase (part of a message). */
export function drainingRole(phase: Phase): string {
  return phase === 'canary' ? 'the canary fleet runs the new release' : 'the fleet that is draining still runs its release';
}

/** The schema with every invariant between fields; each issue names the field it is about. */
export const trafficStateSchema = documentShape(MESSAGES.schemaVersion).superRefine(checkInvariants);
/** The same rules where a document is read: only the message of a wrong version differs (it mentions version 1). */
export const storedTrafficStateSchema = documentShape(MESSAGES.storedSchemaVersion).superRefine(checkInvariants);

/** An invalid traffic-state document: lists every problem with its field, value and what is allowed. */
export class InvalidTrafficStateError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid traffic state in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidTrafficStateError';
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined), input);
}

/** Every problem `schema` finds in `input`, as `field = value: must be ...`; empty when it is valid. */
export function problemsOf(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(document)';
    if (issue.code === 'unrecognized_keys') return `${field === '(document)' ? '' : `${field}.`}${issue.keys.join(', ')}: ${MESSAGES.unknownFields}`;
    const value = valueAt(input, issue.path);
    return `${field} = ${value === undefined ? 'missing' : JSON.stringify(value)}: ${issue.message}`;
  });
}

/** Every problem of a document, as `field = value: must be ...`; empty when it is valid. */
export function trafficStateProblems(input: unknown): string[] {
  return problemsOf(trafficStateSchema, input);
}

/** Parses JSON text, naming the source when it is not JSON. */
export function parseJsonDocument(json: string, source: string): unknown {
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new InvalidTrafficStateError(source, [`(document): ${MESSAGES.documentNotJson} (${(error as Error).message})`]);
  }
}

/**
 * Parses and validates a document as read from the parameter. `source` names where it came from
 * (for example the parameter name) in the error.
 */
export function parseTrafficState(json: string, source: string): TrafficState {
  const input = parseJsonDocument(json, source);
  const problems = trafficStateProblems(input);
  if (problems.length > 0) throw new InvalidTrafficStateError(source, problems);
  return trafficStateSchema.parse(input);
}

/** The document as it is stored: validated first, so an invalid document is never written. */
export function serializeTrafficState(state: TrafficState): string {
  const problems = trafficStateProblems(state);
  if (problems.length > 0) throw new InvalidTrafficStateError(`revision ${state.revision} (not written)`, problems);
  return JSON.stringify(state, null, 2);
}

/** The fleet that is not stable: the canary while one runs, the draining fleet after it ends. */
export function canaryColour(state: Pick<TrafficState, 'stable'>): FleetColour {
  return otherColour(state.stable);
}

import { z } from 'zod';
import { FLEET_COLOURS, otherColour, type FleetColour } from './fleet-colour';
import { MAX_CANARY_PER_MILLE } from './share';

/** The version of the document this library reads and writes. */
export const SCHEMA_VERSION = 2;

export const MODEL_VERSION = /^[\w.-]{1,64}$/;
export const SERVER_IMAGE = /^[\w.-]+(:\d+)?(\/[\w.-]+)+(:[\w.-]+|@sha256:[0-9a-f]{64})$/;
export const AMI_ID = /^ami-[0-9a-f]{8,17}$/;

/**
 * What a fleet runs: the model version its servers load, the server image they run, and the AMI its
 * instances boot (resolved once, when the release starts). Instances read their fleet's release at boot.
 */
export const releaseSchema = z.strictObject({
  modelVersion: z.string({ error: 'must be a model version' }).regex(MODEL_VERSION, { error: 'must be 1-64 letters, digits, ., _ or -' }),
  serverImage: z.string({ error: 'must be a container image reference' }).regex(SERVER_IMAGE, { error: 'must be a container image reference with a tag or digest' }),
  amiId: z.string({ error: 'must be an AMI id' }).regex(AMI_ID, { error: 'must be an AMI id like ami-0123456789abcdef0' }),
});
export type Release = z.output<typeof releaseSchema>;

/**
 * - `idle`: only the stable fleet has a release; every request goes to it.
 * - `canary`: the canary fleet runs a new release and receives `canaryPerMille` of the requests (0 while it warms up).
 * - `promoted`: the stable pointer moved to the former canary; the former stable fleet drains, then idles.
 * - `rolled-back`: the canary lost; it drains, then idles.
 */
export const PHASES = ['idle', 'canary', 'promoted', 'rolled-back'] as const;
export type Phase = (typeof PHASES)[number];

const colour = z.enum(FLEET_COLOURS, { error: `must be "blue" or "green"` });

const documentShape = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION, { error: `must be ${SCHEMA_VERSION}` }),
  /** Increments by one on every write: a reader detects concurrent or lost writes by it. */
  revision: z.number({ error: 'must be an integer from 1' }).int({ error: 'must be an integer from 1' }).min(1, { error: 'must be an integer from 1' }),
  /** The fleet serving production traffic; the other one is the canary (or idle). */
  stable: colour,
  phase: z.enum(PHASES, { error: `must be one of ${PHASES.join(', ')}` }),
  /** Share of requests the canary fleet receives, per mille (0.1 % steps). */
  canaryPerMille: z
    .number({ error: `must be an integer from 0 to ${MAX_CANARY_PER_MILLE} per mille` })
    .int({ error: `must be an integer from 0 to ${MAX_CANARY_PER_MILLE} per mille` })
    .min(0, { error: `must be an integer from 0 to ${MAX_CANARY_PER_MILLE} per mille` })
    .max(MAX_CANARY_PER_MILLE, { error: `must be an integer from 0 to ${MAX_CANARY_PER_MILLE} per mille (100 % is a promotion, not a share)` }),
  /** What each fleet runs; null for a fleet that runs nothing. */
  releases: z.strictObject({ blue: releaseSchema.nullable(), green: releaseSchema.nullable() }, { error: 'must be { blue, green }' }),
  /** The rollout that owns the non-idle phases; null when idle. */
  rolloutId: z.string().min(1, { error: 'must be a non-empty rollout id or null' }).nullable(),
  updatedAt: z.iso.datetime({ error: 'must be an ISO 8601 UTC time like 2026-11-29T12:00:00Z' }),
  updatedBy: z.string({ error: 'must name the writer' }).min(1, { error: 'must name the writer' }),
});

/** The traffic state of an environment: one JSON document in one SSM String parameter (DESIGN.md #3). */
export type TrafficState = z.output<typeof documentShape>;

function sameRelease(a: Release, b: Release): boolean {
  return a.modelVersion === b.modelVersion && a.serverImage === b.serverImage && a.amiId === b.amiId;
}

/** The schema with every invariant between fields; each issue names the field it is about. */
export const trafficStateSchema = documentShape.superRefine((state, ctx) => {
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
    const role = state.phase === 'canary' ? 'the canary fleet runs the new release' : 'the fleet that is draining still runs its release';
    issue(['releases', canary], `must be a release in phase "${state.phase}": ${role}`);
  }
  const stableRelease = state.releases[state.stable];
  if (state.phase === 'canary' && other && stableRelease && sameRelease(other, stableRelease)) {
    issue(['releases', canary], 'must differ from the stable release: a canary of the release already serving is no canary');
  }
});

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

/** Every problem of a document, as `field = value: must be ...`; empty when it is valid. */
export function trafficStateProblems(input: unknown): string[] {
  const result = trafficStateSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(document)';
    if (issue.code === 'unrecognized_keys') return `${field === '(document)' ? '' : `${field}.`}${issue.keys.join(', ')}: unknown field(s)`;
    const value = valueAt(input, issue.path);
    return `${field} = ${value === undefined ? 'missing' : JSON.stringify(value)}: ${issue.message}`;
  });
}

/**
 * Parses and validates a document as read from the parameter. `source` names where it came from
 * (for example the parameter name) in the error.
 */
export function parseTrafficState(json: string, source: string): TrafficState {
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch (error) {
    throw new InvalidTrafficStateError(source, [`(document): must be JSON (${(error as Error).message})`]);
  }
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

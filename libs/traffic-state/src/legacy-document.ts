import { z } from 'zod';
import { colourSchema, MESSAGES, problemsOf, revisionSchema, SCHEMA_VERSION, serializeTrafficState, writerSchema, type Release, type TrafficState } from './document';
import { byColour, otherColour, type FleetColour } from './fleet-colour';
import { TransitionError } from './errors';
import type { Writer } from './transitions';

/**
 * Version 1 of the document, as environments deployed before ADR 0007 hold it: weights in percent
 * rendered by Terraform, and a model version per fleet. It is read only to adopt it.
 */
export const LEGACY_SCHEMA_VERSION = 1;

export const LEGACY_MESSAGES = {
  schemaVersion: `must be ${LEGACY_SCHEMA_VERSION}`,
  weights: 'must be { blue, green } in percent',
  weight: 'must be an integer from 0 to 100 percent',
  modelVersions: 'must be { blue, green }',
  modelVersion: 'must be a non-empty model version or null',
  updatedAt: 'must be a string',
} as const;

/** The fields of a version-1 document, in the order it was written. */
export const LEGACY_DOCUMENT_FIELDS = ['schemaVersion', 'revision', 'stable', 'weights', 'modelVersions', 'updatedAt', 'updatedBy'] as const;

const weight = z.number({ error: LEGACY_MESSAGES.weight }).int({ error: LEGACY_MESSAGES.weight, abort: true }).min(0, { error: LEGACY_MESSAGES.weight, abort: true }).max(100, { error: LEGACY_MESSAGES.weight, abort: true });
const modelVersion = z.string({ error: LEGACY_MESSAGES.modelVersion }).min(1, { error: LEGACY_MESSAGES.modelVersion, abort: true }).nullable();

export const legacyTrafficStateSchema = z
  .strictObject(
    {
      schemaVersion: z.literal(LEGACY_SCHEMA_VERSION, { error: LEGACY_MESSAGES.schemaVersion }),
      revision: revisionSchema,
      stable: colourSchema,
      weights: z.strictObject({ blue: weight, green: weight }, { error: LEGACY_MESSAGES.weights }),
      modelVersions: z.strictObject({ blue: modelVersion, green: modelVersion }, { error: LEGACY_MESSAGES.modelVersions }),
      updatedAt: z.string({ error: LEGACY_MESSAGES.updatedAt }),
      updatedBy: writerSchema,
    },
    { error: MESSAGES.document },
  )
  .superRefine((legacy, ctx) => {
    const sum = legacy.weights.blue + legacy.weights.green;
    if (sum !== 100) ctx.addIssue({ code: 'custom', path: ['weights'], message: `must sum to 100 percent (blue ${legacy.weights.blue} + green ${legacy.weights.green} = ${sum})` });
  });

export type LegacyTrafficState = z.output<typeof legacyTrafficStateSchema>;

/** What version 1 does not record, and adoption needs: the server image and AMI each fleet runs. */
export interface LegacyReleaseDefaults {
  /** The image the fleets ran before adoption: `release_defaults.serverImage` of the environment's outputs. */
  readonly serverImage: string;
  /** Each fleet's AMI parameter value (`fleet_ami_parameters`): what its launch template boots now. */
  readonly amiIds: Readonly<Record<FleetColour, string>>;
}

/**
 * Version 2 of a version-1 document, one revision later, so the operator can adopt an environment
 * deployed before ADR 0007 without anyone editing the parameter by hand. Traffic keeps its meaning:
 * - no canary model: `idle` (a share toward an empty fleet served only errors, so it is dropped);
 * - a canary model with 1..99 % of the weight: `canary` at that share, owned by rollout `adopted-r<revision>`;
 * - a canary model with 100 %: `promoted` toward it (the stable pointer follows the traffic).
 * A document that has no stable model, or runs the same model on both fleets under a share, cannot be
 * expressed in version 2 without guessing; it is refused with the reason.
 */
export function adoptLegacyDocument(legacy: LegacyTrafficState, defaults: LegacyReleaseDefaults, writer: Writer): TrafficState {
  const { stable } = legacy;
  const canary = otherColour(stable);
  const refuse = (why: string) => new TransitionError(`cannot adopt traffic-state revision ${legacy.revision} (schema version 1): ${why}`);
  const releases = byColour<Release | null>((colour) => {
    const modelVersion = legacy.modelVersions[colour];
    return modelVersion === null ? null : { modelVersion, serverImage: defaults.serverImage, amiId: defaults.amiIds[colour] };
  });
  if (releases[stable] === null) throw refuse(`modelVersions.${stable} is null, but "${stable}" is the stable fleet; write its model version, then adopt`);
  const running = releases[canary] !== null;
  const canaryPercent = legacy.weights[canary];
  if (running && legacy.modelVersions[canary] === legacy.modelVersions[stable] && canaryPercent < 100) {
    throw refuse(`both fleets run model ${legacy.modelVersions[stable]}, so the canary share has no canary; set modelVersions.${canary} to null, then adopt`);
  }
  const rolloutId = `adopted-r${legacy.revision}`;
  const base = { schemaVersion: SCHEMA_VERSION, revision: legacy.revision + 1, updatedAt: writer.at.toISOString().replace(/\.\d{3}Z$/, 'Z'), updatedBy: writer.by } as const;
  let adopted: TrafficState;
  if (!running) {
    adopted = { ...base, stable, phase: 'idle', canaryPerMille: 0, releases: { ...releases, [canary]: null } as TrafficState['releases'], rolloutId: null };
  } else if (canaryPercent === 100) {
    adopted = { ...base, stable: canary, phase: 'promoted', canaryPerMille: 0, releases: releases as TrafficState['releases'], rolloutId };
  } else {
    adopted = { ...base, stable, phase: 'canary', canaryPerMille: canaryPercent * 10, releases: releases as TrafficState['releases'], rolloutId };
  }
  // Validates every invariant (AMI ids and image included): adoption never writes an invalid document.
  serializeTrafficState(adopted);
  return adopted;
}

/** Every problem of a version-1 document, as `field = value: must be ...`. */
export function legacyTrafficStateProblems(input: unknown): string[] {
  return problemsOf(legacyTrafficStateSchema, input);
}

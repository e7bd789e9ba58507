import { z } from 'zod';

/** AWS-facing names of the two fleets; users see "stable" and "canary" (DESIGN.md #4). */
export const FLEET_COLOURS = ['blue', 'green'] as const;
export type FleetColour = (typeof FLEET_COLOURS)[number];

export function otherColour(colour: FleetColour): FleetColour {
  return colour === 'blue' ? 'green' : 'blue';
}

/**
 * The traffic state of an environment (DESIGN.md #3): one JSON document in one SSM parameter.
 * Terraform writes the first revision; the rollout controller owns every later one.
 */
export const trafficStateSchema = z.strictObject({
  schemaVersion: z.literal(1),
  /** Increments on every write, so a writer can detect a concurrent change. */
  revision: z.number().int().min(1),
  /** The fleet that serves production traffic; the other one is the canary. */
  stable: z.enum(FLEET_COLOURS),
  /** Percent of requests per fleet; integers summing to 100. */
  weights: z.strictObject({ blue: z.number().int().min(0).max(100), green: z.number().int().min(0).max(100) }),
  /** Model version each fleet serves; null when the fleet has never served one. */
  modelVersions: z.strictObject({ blue: z.string().min(1).nullable(), green: z.string().min(1).nullable() }),
  updatedAt: z.string(),
  updatedBy: z.string().min(1),
}).refine((s) => s.weights.blue + s.weights.green === 100, { error: 'weights must sum to 100 percent', path: ['weights'] });

export type TrafficState = z.output<typeof trafficStateSchema>;

export function trafficStateParameterName(environment: string): string {
  return `/canaryfleet/${environment}/traffic-state`;
}

/** The revision Terraform creates: the stable fleet is blue and serves the initial model version. */
export function initialTrafficState(initialModelVersion: string, weights: { stable: number; canary: number }): TrafficState {
  return {
    schemaVersion: 1,
    revision: 1,
    stable: 'blue',
    weights: { blue: weights.stable, green: weights.canary },
    modelVersions: { blue: initialModelVersion, green: null },
    // Fixed, not the synth time: a changing value would make every synth differ.
    updatedAt: '1970-01-01T00:00:00Z',
    updatedBy: 'terraform',
  };
}

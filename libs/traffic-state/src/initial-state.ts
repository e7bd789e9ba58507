import { SCHEMA_VERSION, type Release, type TrafficState } from './document';

/**
 * Revision 1, written by Terraform when the environment is created: blue is stable and runs the
 * initial release, green is idle. Fields of `release` may be Terraform references (the AMI is resolved at
 * apply time), so this builds the document without validating them; Terraform's preconditions validate
 * the document it reads back.
 */
export function initialTrafficState(release: Release): TrafficState {
  return {
    schemaVersion: SCHEMA_VERSION,
    revision: 1,
    stable: 'blue',
    phase: 'idle',
    canaryPerMille: 0,
    releases: { blue: release, green: null },
    rolloutId: null,
    // Fixed, not the synth time: a changing value would make every synth differ.
    updatedAt: '1970-01-01T00:00:00Z',
    updatedBy: 'terraform',
  };
}

import {
  adoptLegacyDocument,
  InvalidTrafficStateError,
  parseStoredTrafficState,
  renderListenerActions,
  storedTrafficStateProblems,
  TransitionError,
  type LegacyTrafficState,
} from '../src';
import { POLICY, TARGETS } from './fixtures';

const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2';
const defaults = { serverImage: IMAGE, amiIds: { blue: 'ami-0123456789abcdef0', green: 'ami-0fedcba9876543210' } };
const writer = { at: new Date('2026-12-01T09:30:00.250Z'), by: 'canary-operator' };

/** What Terraform wrote before ADR 0007, and what a rollout may have left. */
function legacy(patch: Partial<LegacyTrafficState> = {}): LegacyTrafficState {
  return { schemaVersion: 1, revision: 1, stable: 'blue', weights: { blue: 100, green: 0 }, modelVersions: { blue: 'llama-v1', green: null }, updatedAt: '1970-01-01T00:00:00Z', updatedBy: 'terraform', ...patch };
}

describe('adopting a version-1 document', () => {
  test('revision 1 as Terraform wrote it becomes an idle revision 2 with the releases the fleets run', () => {
    expect(adoptLegacyDocument(legacy(), defaults, writer)).toEqual({
      schemaVersion: 2,
      revision: 2,
      stable: 'blue',
      phase: 'idle',
      canaryPerMille: 0,
      releases: { blue: { modelVersion: 'llama-v1', serverImage: IMAGE, amiId: 'ami-0123456789abcdef0' }, green: null },
      rolloutId: null,
      updatedAt: '2026-12-01T09:30:00Z',
      updatedBy: 'canary-operator',
    });
  });

  test('the sticky 100/0 forward Terraform rendered becomes a forward to the stable group only', () => {
    const actions = renderListenerActions(adoptLegacyDocument(legacy({ stable: 'green', weights: { blue: 0, green: 100 }, modelVersions: { blue: null, green: 'llama-v2' } }), defaults, writer), TARGETS, POLICY);
    expect(actions.defaultActions).toEqual([{ Type: 'forward', TargetGroupArn: TARGETS.weighted.green }]);
  });

  test('a share toward a fleet without a model is dropped: it could only serve errors', () => {
    expect(adoptLegacyDocument(legacy({ weights: { blue: 90, green: 10 } }), defaults, writer)).toMatchObject({ phase: 'idle', canaryPerMille: 0, releases: { green: null } });
  });

  test('a canary in progress keeps its share, in per mille, under an adopted rollout id', () => {
    const adopted = adoptLegacyDocument(legacy({ revision: 7, weights: { blue: 80, green: 20 }, modelVersions: { blue: 'llama-v1', green: 'llama-v2' } }), defaults, writer);
    expect(adopted).toMatchObject({ revision: 8, phase: 'canary', canaryPerMille: 200, rolloutId: 'adopted-r7', stable: 'blue' });
    expect(adopted.releases.green).toEqual({ modelVersion: 'llama-v2', serverImage: IMAGE, amiId: 'ami-0fedcba9876543210' });
  });

  test('all of the weight on the canary is a promotion toward it', () => {
    const adopted = adoptLegacyDocument(legacy({ weights: { blue: 0, green: 100 }, modelVersions: { blue: 'llama-v1', green: 'llama-v2' } }), defaults, writer);
    expect(adopted).toMatchObject({ phase: 'promoted', stable: 'green', canaryPerMille: 0, rolloutId: 'adopted-r1' });
  });

  test('documents version 2 cannot express are refused with what to do', () => {
    expect(() => adoptLegacyDocument(legacy({ modelVersions: { blue: null, green: null } }), defaults, writer)).toThrow(
      new TransitionError('cannot adopt traffic-state revision 1 (schema version 1): modelVersions.blue is null, but "blue" is the stable fleet; write its model version, then adopt'),
    );
    expect(() => adoptLegacyDocument(legacy({ weights: { blue: 50, green: 50 }, modelVersions: { blue: 'v1', green: 'v1' } }), defaults, writer)).toThrow(
      'both fleets run model v1, so the canary share has no canary; set modelVersions.green to null, then adopt',
    );
    expect(() => adoptLegacyDocument(legacy(), { ...defaults, amiIds: { ...defaults.amiIds, blue: 'resolve:ssm:/x' } }, writer)).toThrow(InvalidTrafficStateError);
  });
});

describe('what a parameter may hold', () => {
  test('a version-1 document is read as such until adopted; version 2 as the current document', () => {
    expect(parseStoredTrafficState(JSON.stringify(legacy()), '/canaryfleet/dev/traffic-state')).toEqual({ schemaVersion: 1, legacy: legacy() });
    const adopted = adoptLegacyDocument(legacy(), defaults, writer);
    expect(parseStoredTrafficState(JSON.stringify(adopted), 'x')).toEqual({ schemaVersion: 2, state: adopted });
  });

  test('each version is checked by its own rules; another version names both that are read', () => {
    expect(storedTrafficStateProblems(legacy({ weights: { blue: 30, green: 30 } }))).toEqual(['weights = {"blue":30,"green":30}: must sum to 100 percent (blue 30 + green 30 = 60)']);
    expect(storedTrafficStateProblems({ ...legacy(), schemaVersion: 3 })[0]).toBe('schemaVersion = 3: must be 2 (or 1, a document the rollout operator has not adopted yet)');
    expect(() => parseStoredTrafficState('{"schemaVersion": 1', 'the parameter')).toThrow(/^Invalid traffic state in the parameter:\n {2}- \(document\): must be JSON/);
  });
});

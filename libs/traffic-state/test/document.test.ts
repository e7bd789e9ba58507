import { z } from 'zod';
import { InvalidTrafficStateError, parseProblem, parseTrafficState, serializeTrafficState, trafficStateProblems, UTC_TIME, type TrafficState } from '../src';
import { idle, V1, V2 } from './fixtures';

const canary = (): TrafficState => ({ ...idle(), revision: 2, phase: 'canary', canaryPerMille: 50, rolloutId: 'r-1', releases: { blue: V1, green: V2 } });

function problems(patch: (doc: Record<string, unknown>) => void, base: () => TrafficState = idle): string[] {
  const doc = JSON.parse(JSON.stringify(base())) as Record<string, unknown>;
  patch(doc);
  return trafficStateProblems(doc);
}

describe('the traffic-state document', () => {
  test('revision 1 and a running canary are valid, and survive a round trip through the parameter', () => {
    for (const state of [idle(), canary()]) {
      expect(trafficStateProblems(state)).toEqual([]);
      expect(parseTrafficState(serializeTrafficState(state), 'test')).toEqual(state);
    }
  });

  test('each invalid document is refused with the field, the value and what is allowed', () => {
    expect(problems((d) => (d.stable = 'Blue'))).toEqual(['stable = "Blue": must be "blue" or "green"']);
    expect(problems((d) => (d.canaryPerMille = 1000), canary)).toEqual(['canaryPerMille = 1000: must be an integer from 0 to 999 per mille (100 % is a promotion, not a share)']);
    expect(problems((d) => (d.canaryPerMille = 2.5), canary)).toEqual(['canaryPerMille = 2.5: must be an integer from 0 to 999 per mille']);
    expect(problems((d) => (d.canaryPerMille = 50))).toEqual(['canaryPerMille = 50: must be 0 in phase "idle": only a running canary receives a share']);
    expect(problems((d) => ((d.releases as Record<string, unknown>).green = null), canary)).toEqual([
      'releases.green = null: must be a release in phase "canary": the canary fleet runs the new release',
    ]);
    expect(problems((d) => ((d.releases as Record<string, unknown>).blue = null))).toEqual([
      'releases.blue = null: must be a release: "blue" is the stable fleet, and the stable fleet always runs one',
    ]);
    expect(problems((d) => ((d.releases as Record<string, unknown>).green = V1), canary)).toEqual([
      'releases.green = {"modelVersion":"tiny-llm-v1","serverImage":"123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2","amiId":"ami-0123456789abcdef0"}: must differ from the stable release: a canary of the release already serving is no canary',
    ]);
    expect(problems((d) => (d.revision = 0))).toEqual(['revision = 0: must be an integer from 1']);
    expect(problems((d) => (d.schemaVersion = 1))).toEqual(['schemaVersion = 1: must be 2']);
    expect(problems((d) => (d.phase = 'canary'))).toEqual(expect.arrayContaining(['rolloutId = null: must name the rollout in phase "canary"']));
    expect(problems((d) => ((d.releases as Record<string, Record<string, unknown>>).blue.amiId = 'resolve:ssm:/x'))).toEqual([
      'releases.blue.amiId = "resolve:ssm:/x": must be an AMI id like ami-0123456789abcdef0',
    ]);
    expect(problems((d) => (d.weights = { blue: 30, green: 30 }))).toEqual(['weights: unknown field(s)']);
  });

  test('parse names the source, and refuses what is not JSON', () => {
    expect(() => parseTrafficState('{', '/canaryfleet/dev/traffic-state')).toThrow(InvalidTrafficStateError);
    expect(() => parseTrafficState('{', '/canaryfleet/dev/traffic-state')).toThrow(/^Invalid traffic state in \/canaryfleet\/dev\/traffic-state:\n {2}- \(document\): must be JSON/);
  });

  test('a field that breaks its own rule is reported alone: the rules between fields need valid fields', () => {
    expect(problems((d) => {
      d.canaryPerMille = 1000;
      d.rolloutId = 'r-1';
    })).toEqual(['canaryPerMille = 1000: must be an integer from 0 to 999 per mille (100 % is a promotion, not a share)']);
    expect(problems((d) => (d.revision = 0.5))).toEqual(['revision = 0.5: must be an integer from 1']);
    expect(problems((d) => (d.rolloutId = 7))).toEqual(['rolloutId = 7: must be a non-empty rollout id or null']);
    expect(problems((d) => ((d.releases as Record<string, unknown>).green = 'v2'))).toEqual([
      'releases.green = "v2": must be a release { modelVersion, serverImage, amiId }, or null for a fleet that runs nothing',
    ]);
    expect(trafficStateProblems(null)).toEqual(['(document) = null: must be a JSON object']);
  });

  test('updatedAt takes exactly what zod\'s ISO datetime takes (the pattern is spelled out for Terraform)', () => {
    const iso = z.iso.datetime();
    for (const time of ['2026-11-29T12:00:00Z', '2026-11-29T12:00Z', '2028-02-29T00:00:00.5Z', '2026-02-29T00:00:00Z', '2026-11-29T12:00:00+01:00', '2026-11-29T24:00:00Z', '2026-11-29 12:00:00Z']) {
      expect({ time, accepted: UTC_TIME.test(time) }).toEqual({ time, accepted: iso.safeParse(time).success });
    }
  });

  test('a problem line parses back into field, value and message', () => {
    const [line] = problems((d) => ((d.releases as Record<string, unknown>).green = V1), canary);
    expect(parseProblem(line)).toEqual({ field: 'releases.green', value: V1, message: 'must differ from the stable release: a canary of the release already serving is no canary' });
    expect(parseProblem('rolloutId = missing: must be a non-empty rollout id or null')).toEqual({ field: 'rolloutId', value: 'missing', message: 'must be a non-empty rollout id or null' });
    expect(parseProblem('weights: unknown field(s)')).toEqual({ field: 'weights', value: undefined, message: 'unknown field(s)' });
    expect(parseProblem('(document): must be JSON')).toEqual({ field: '(document)', value: undefined, message: 'must be JSON' });
    expect(() => parseProblem('stable = Blue, must be blue')).toThrow('not a traffic-state problem line: stable = Blue, must be blue');
  });

  test('an invalid document is never serialized for writing', () => {
    expect(() => serializeTrafficState({ ...idle(), canaryPerMille: 5 })).toThrow('Invalid traffic state in revision 1 (not written)');
  });
});

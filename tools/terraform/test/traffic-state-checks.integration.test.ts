import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  initialTrafficState,
  parseProblem,
  promote,
  rollBack,
  setCanaryShare,
  startCanary,
  storedTrafficStateProblems,
  trafficStateChecks,
  trafficStateDocumentHcl,
  trafficStateShapeValidHcl,
  type Problem,
  type Release,
} from '@canaryfleet/traffic-state';
import { terraformAvailable } from '../../local-aws/moto';
import { runTerraform } from '../run-terraform';

// The Terraform preconditions on the listener and the library must say the same thing about every
// document (ADR 0007): real terraform evaluates the checks over a corpus of documents, and each
// document's problems must equal the library's, field, value and message. Needs terraform only.
const runs = terraformAvailable() || process.env.CI === 'true';
const describeWithTerraform = runs ? describe : describe.skip;
if (!runs) process.stderr.write('\n!!! SKIPPED: the traffic-state checks need terraform on PATH\n\n');

const V1: Release = { modelVersion: 'tiny-llm-v1', serverImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2', amiId: 'ami-0123456789abcdef0' };
const V2: Release = { ...V1, modelVersion: 'tiny-llm-v2' };
const writer = { at: new Date('2026-11-29T12:00:00Z'), by: 'test' };
const idle = initialTrafficState(V1);
const canary = setCanaryShare(startCanary(idle, { release: V2, rolloutId: 'r-1' }, writer), 50, writer);
const legacy = { schemaVersion: 1, revision: 3, stable: 'blue', weights: { blue: 80, green: 20 }, modelVersions: { blue: 'v1', green: 'v2' }, updatedAt: 'yesterday', updatedBy: 'operator' };

const REMOVE = Symbol('remove the field');

/** `base` with each `[dotted.path, value]` set (or removed), as JSON text. */
function edited(base: object, ...changes: [string, unknown][]): string {
  const doc = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  for (const [dotted, value] of changes) {
    const keys = dotted.split('.');
    const parent = keys.slice(0, -1).reduce((node, key) => node[key] as Record<string, unknown>, doc);
    if (value === REMOVE) delete parent[keys[keys.length - 1]];
    else parent[keys[keys.length - 1]] = value;
  }
  return JSON.stringify(doc);
}

/** Valid documents, then documents that break each rule (alone, and a few together). */
const CORPUS: Record<string, string> = {
  'idle': JSON.stringify(idle),
  'canary at 5 %': JSON.stringify(canary),
  'promoted': JSON.stringify(promote(canary, writer)),
  'rolled back': JSON.stringify(rollBack(canary, writer)),
  'version 1, valid': JSON.stringify(legacy),
  'unknown field and a share while idle': edited(idle, ['owner', 'me'], ['canaryPerMille', 50]),
  'not JSON': '{"schemaVersion": 2',
  'JSON null': 'null',
  'a list': '[1, 2]',
  'version 3': edited(idle, ['schemaVersion', 3]),
  'version "2" as text': edited(idle, ['schemaVersion', '2']),
  'unknown field': edited(idle, ['weights', { blue: 30, green: 30 }]),
  'missing field': edited(idle, ['rolloutId', REMOVE]),
  'revision 0': edited(idle, ['revision', 0]),
  'revision 1.5': edited(idle, ['revision', 1.5]),
  'revision as text': edited(idle, ['revision', '3']),
  'stable "Blue"': edited(idle, ['stable', 'Blue']),
  'unknown phase': edited(idle, ['phase', 'warming']),
  'share 1000': edited(canary, ['canaryPerMille', 1000]),
  'share 2.5': edited(canary, ['canaryPerMille', 2.5]),
  'share -1': edited(canary, ['canaryPerMille', -1]),
  'releases a list': edited(idle, ['releases', []]),
  'releases with a third fleet': edited(idle, ['releases.red', null]),
  'release missing': edited(idle, ['releases.green', REMOVE]),
  'release a number': edited(idle, ['releases.green', 7]),
  'release with an unknown field': edited(idle, ['releases.blue.gpu', 'h100']),
  'model version empty': edited(idle, ['releases.blue.modelVersion', '']),
  'model version a number': edited(idle, ['releases.blue.modelVersion', 5]),
  'image without tag': edited(canary, ['releases.green.serverImage', 'llm-server']),
  'AMI as a resolve reference': edited(idle, ['releases.blue.amiId', 'resolve:ssm:/x']),
  'AMI missing on both fleets': edited(canary, ['releases.blue.amiId', REMOVE], ['releases.green.amiId', REMOVE]),
  'empty rollout id': edited(canary, ['rolloutId', '']),
  'time with an offset': edited(idle, ['updatedAt', '2026-11-29T12:00:00+01:00']),
  'time on 30 February': edited(idle, ['updatedAt', '2026-02-30T12:00:00Z']),
  'no writer': edited(idle, ['updatedBy', '']),
  'stable fleet without a release': edited(idle, ['releases.blue', null]),
  'a share while idle': edited(idle, ['canaryPerMille', 50]),
  'idle with a canary release and a rollout': edited(idle, ['releases.green', V2], ['rolloutId', 'r-9']),
  'canary without rollout or release': edited(idle, ['phase', 'canary']),
  'promoted without the drained release': edited(promote(canary, writer), ['releases.blue', null]),
  'canary of the stable release': edited(canary, ['releases.green', V1]),
  'a field and a rule broken at once': edited(idle, ['stable', 'Blue'], ['canaryPerMille', 50]),
  'version 1, weights not summing': edited(legacy, ['weights', { blue: 30, green: 30 }]),
  'version 1, weight above 100': edited(legacy, ['weights.green', 120]),
  'version 1, unknown field': edited(legacy, ['phase', 'idle']),
  'version 1, empty model version': edited(legacy, ['modelVersions.green', '']),
  'version 1, weights missing': edited(legacy, ['weights', REMOVE]),
};

const sorted = (problems: Problem[]) => [...problems].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describeWithTerraform('traffic-state checks in Terraform and in the library', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'canaryfleet-checks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('report the same problems for every document of the corpus', async () => {
    const names = { raw: 'raw', document: 'local.documents[i]', shapeValid: 'local.shapes[i]' };
    const checks = trafficStateChecks(names);
    const problems = `[for i, raw in var.raw : compact(flatten([${checks.map((c) => `(${c.condition}) ? [] : split("\\n", ${c.errorMessage})`).join(', ')}]))]`;
    writeFileSync(
      path.join(dir, 'main.tf.json'),
      JSON.stringify({
        variable: { raw: { type: 'list(string)' } },
        locals: {
          documents: `\${[for raw in var.raw : ${trafficStateDocumentHcl('raw')}]}`,
          shapes: `\${[for i, raw in var.raw : ${trafficStateShapeValidHcl(names)}]}`,
          problems: `\${${problems}}`,
        },
        output: { problems: { value: '${local.problems}' } },
      }),
    );
    writeFileSync(path.join(dir, 'corpus.tfvars.json'), JSON.stringify({ raw: Object.values(CORPUS) }));
    await runTerraform(['apply', '-auto-approve', '-input=false', '-no-color', '-var-file=corpus.tfvars.json'], { cwd: dir });
    const fromTerraform = JSON.parse((await runTerraform(['output', '-json', 'problems'], { cwd: dir })).stdout) as string[][];

    const byDocument = Object.keys(CORPUS).map((name, i) => {
      const raw = CORPUS[name];
      let input: unknown;
      try {
        input = JSON.parse(raw);
      } catch {
        return { name, terraform: sorted(fromTerraform[i].map(parseProblem)), library: [{ field: '(document)', value: undefined, message: 'must be JSON' }] };
      }
      return { name, terraform: sorted(fromTerraform[i].map(parseProblem)), library: sorted(storedTrafficStateProblems(input).map(parseProblem)) };
    });
    for (const { name, terraform, library } of byDocument) expect({ name, problems: terraform }).toEqual({ name, problems: library });
    // The corpus exercises the rules: valid documents pass, every other document fails somewhere.
    expect(byDocument.filter((d) => d.library.length === 0).map((d) => d.name)).toEqual(['idle', 'canary at 5 %', 'promoted', 'rolled back', 'version 1, valid']);
  }, 120_000);
});

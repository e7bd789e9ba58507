import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPlanReview } from '../cli';
import { synthesizeAtRef } from '../synthesize-ref';

const tagUpdate = {
  format_version: '1.2',
  resource_changes: [
    {
      address: 'aws_s3_bucket.models',
      mode: 'managed',
      type: 'aws_s3_bucket',
      name: 'models',
      change: { actions: ['update'], before: { tags: { Team: 'a' } }, after: { tags: { Team: 'b' } } },
    },
  ],
};

describe('plan-review command', () => {
  let plansRoot: string;
  beforeEach(() => {
    plansRoot = mkdtempSync(path.join(tmpdir(), 'plan-review-cli-'));
  });
  afterEach(() => rmSync(plansRoot, { recursive: true, force: true }));

  const run = (argv: string[]) => {
    let printed = '';
    const code = runPlanReview(argv, { plansRoot, stdout: (text) => (printed += text) });
    return { code, printed };
  };

  it('reviews every <stack>.plan.json, writes review.md and review.json, and prints the review', () => {
    mkdirSync(path.join(plansRoot, 'dev'));
    writeFileSync(path.join(plansRoot, 'dev', 'inference.plan.json'), JSON.stringify(tagUpdate));
    const { code, printed } = run(['dev', '--detailed-exitcode']);
    expect(code).toBe(2);
    expect(readFileSync(path.join(plansRoot, 'dev', 'review.md'), 'utf8')).toBe(printed);
    expect(JSON.parse(readFileSync(path.join(plansRoot, 'dev', 'review.json'), 'utf8'))).toMatchObject({
      environment: 'dev',
      outcome: 'changes',
      exitCode: 2,
      stacks: [{ stack: 'inference', counts: { update: 1 }, risks: [] }],
    });
    // Without --detailed-exitcode a successful review exits 0, so `nx run <env>:plan` does not fail on changes.
    expect(run(['dev']).code).toBe(0);
  });

  it.each([
    [['nope'], 'environment "nope": must be one of dev, staging, prod, local'],
    [[], 'environment null: must be one of'],
    [['dev', '--synth-diff'], '--synth-diff needs a git ref'],
    [['dev', '--fast'], 'unknown option --fast'],
    [['dev'], 'no <stack>.plan.json files; run `nx run dev:plan` first, or use --synth-diff <base-ref>'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => run(argv)).toThrow(message);
  });

  it('names the file that is not a plan', () => {
    mkdirSync(path.join(plansRoot, 'staging'));
    writeFileSync(path.join(plansRoot, 'staging', 'inference.plan.json'), '{"format_version":"1.0","values":{}}');
    expect(() => run(['staging'])).toThrow(/inference\.plan\.json: this is the JSON of a state, not of a saved plan/);
  });
});

describe('synthesizeAtRef', () => {
  it('synthesizes an environment as it was at a git ref, without touching the working tree', () => {
    const stacks = synthesizeAtRef('dev', 'HEAD');
    expect([...stacks.keys()]).toEqual(['inference']);
    expect(Object.keys(stacks.get('inference')?.resource ?? {})).toContain('aws_vpc');
  }, 60_000);

  it('says what a ref must be when it is not a commit', () => {
    expect(() => synthesizeAtRef('dev', 'no-such-ref-anywhere')).toThrow('--synth-diff no-such-ref-anywhere: not a commit in this repository');
  });
});

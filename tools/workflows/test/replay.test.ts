import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WORKSPACE_ROOT } from '../../workspace-root';
import { planReplay, resolveExpressions } from '../replay-plan';
import { parseGithubFile, runReplay } from '../replay-run';

const values = { 'github.event.pull_request.base.sha': 'base-sha', 'github.event.pull_request.head.sha': 'head-sha' };

describe('the replay plan of the pull request verify job', () => {
  const plan = planReplay(WORKSPACE_ROOT, '.github/workflows/pull-request.yml', 'verify', values);

  it('runs every run: step in order and names why it skips each other step', () => {
    expect(plan.map((step) => `${step.kind} ${step.label}`)).toEqual([
      'skip Withdraw the risk acknowledgement when new commits arrive',
      'skip actions/checkout@v4',
      'skip actions/setup-node@v4',
      'run Install the locked npm dependencies',
      'skip hashicorp/setup-terraform@v3',
      'skip actions/setup-python@v5',
      'skip Install moto_server',
      'skip actions/cache@v4',
      "skip Mirror the hashicorp/aws provider for the project's CLI config",
      'run Install shellcheck',
      'run Lint, typecheck, test, synth and validate the affected projects',
      'run Affected environments the workflows deploy',
    ]);
    for (const step of plan) if (step.kind === 'skip') expect(step.why.length).toBeGreaterThan(20);
  });

  it('gives each run step the workflow environment with its expressions resolved, and the shell GitHub uses', () => {
    const verify = plan.find((step) => step.label.startsWith('Lint, typecheck'));
    expect(verify).toMatchObject({ kind: 'run', shell: ['bash', '-e'], env: { TSX_TSCONFIG_PATH: 'tsconfig.base.json', NX_BASE: 'base-sha', NX_HEAD: 'head-sha' } });
    expect(plan.find((step) => step.label === 'Install shellcheck')).toMatchObject({ shell: ['bash', '--noprofile', '--norc', '-eo', 'pipefail'] });
  });

  it('stops at an expression it has no value for, naming it', () => {
    expect(() => planReplay(WORKSPACE_ROOT, '.github/workflows/pull-request.yml', 'verify', {})).toThrow('the replay has no value for ${{ github.event.pull_request.base.sha }}');
    expect(resolveExpressions('a ${{ github.sha }} b', { 'github.sha': 'x' }, 'here')).toBe('a x b');
  });
});

describe('running a replay', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'replay-test-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const workflow = (steps: string) => {
    mkdirSync(path.join(work, '.github', 'workflows'), { recursive: true });
    writeFileSync(path.join(work, '.github', 'workflows', 'w.yml'), `on: push\nenv:\n  GREETING: hello\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`);
  };

  it('carries $GITHUB_ENV and $GITHUB_PATH to later steps and reads $GITHUB_OUTPUT, as a runner does', async () => {
    workflow(
      [
        '      - run: |',
        '          echo "FROM_STEP=carried" >> "$GITHUB_ENV"',
        '          mkdir -p bin && printf "#!/bin/sh\\necho tool-on-path\\n" > bin/tool && chmod +x bin/tool',
        '          echo "$PWD/bin" >> "$GITHUB_PATH"',
        '          echo "answer=42" >> "$GITHUB_OUTPUT"',
        '      - run: echo "$GREETING $FROM_STEP $(tool) CI=$CI" > seen.txt',
        '',
      ].join('\n'),
    );
    const lines: string[] = [];
    const outcomes = await runReplay(planReplay(work, '.github/workflows/w.yml', 'j', {}), work, path.join(work, 'runner-temp'), (line) => lines.push(line));
    expect(readFileSync(path.join(work, 'seen.txt'), 'utf8')).toBe('hello carried tool-on-path CI=true\n');
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['ran', 'ran']);
    expect(lines).toContain('    output answer=42');
  });

  it('stops at the first failing step, naming it, and refuses an action it does not know', async () => {
    workflow(['      - name: fails', '        run: exit 7', '      - run: touch never.txt', '      - uses: someone/unknown-action@v1', ''].join('\n'));
    expect(() => planReplay(work, '.github/workflows/w.yml', 'j', {})).toThrow('uses someone/unknown-action@v1, which the replay can neither run nor skip');
    workflow(['      - name: fails', '        run: exit 7', '      - run: touch never.txt', ''].join('\n'));
    await expect(runReplay(planReplay(work, '.github/workflows/w.yml', 'j', {}), work, path.join(work, 'runner-temp'), () => undefined)).rejects.toThrow('"fails" exited 7');
  });

  it('reads NAME<<DELIMITER blocks of the runner files', () => {
    expect(parseGithubFile('a=1\nb<<EOF\nline one\nline two\nEOF\nc=x=y\n')).toEqual({ a: '1', b: 'line one\nline two', c: 'x=y' });
  });
});

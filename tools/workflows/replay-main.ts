// Replays the pull-request workflow's verify job here, step by step, in a fresh clone of this repository
// at HEAD: every `run:` step runs in order with the workflow's environment; every other step is skipped
// with its reason (SKIPPED_STEPS in replay-plan.ts), and a step that installs a tool checks this machine
// has the version the workflow installs. Prints each step's time and the total.
//
//   node --import tsx tools/workflows/replay-main.ts [--base <ref>] [--workflow <file>] [--job <id>] [--plan]
//
// --base   the pull request's base (default: main, or origin/main in a clone); the head is HEAD.
// --plan   print what would run and what is skipped, and run nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runMain } from '../run-main';
import { WORKSPACE_ROOT } from '../workspace-root';
import { planReplay, type ExpressionValues } from './replay-plan';
import { runReplay } from './replay-run';

function git(args: readonly string[], cwd = WORKSPACE_ROOT): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

function commitOf(ref: string): string {
  try {
    return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(`--base ${ref}: not a commit in this repository; pass a branch, tag or SHA`);
  }
}

function defaultBase(): string {
  for (const ref of ['main', 'origin/main']) {
    try {
      return commitOf(ref);
    } catch {
      // try the next one
    }
  }
  throw new Error('no main or origin/main here; pass --base <ref>');
}

/** The event the replay stands for: a pull request from `base` to `head`. */
function pullRequestValues(base: string, head: string): ExpressionValues {
  return {
    'github.event.pull_request.base.sha': base,
    'github.event.pull_request.head.sha': head,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { base: { type: 'string' }, workflow: { type: 'string', default: 'pull-request.yml' }, job: { type: 'string', default: 'verify' }, plan: { type: 'boolean', default: false } },
  });
  const base = values.base ? commitOf(values.base) : defaultBase();
  const head = git(['rev-parse', 'HEAD']);
  const file = path.join('.github', 'workflows', values.workflow ?? 'pull-request.yml');
  const job = values.job ?? 'verify';
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const plan = planReplay(WORKSPACE_ROOT, file, job, pullRequestValues(base, head));
  if (values.plan) {
    for (const step of plan) log(step.kind === 'run' ? `run   ${step.label}` : `skip  ${step.label}: ${step.why}`);
    return;
  }
  const work = mkdtempSync(path.join(tmpdir(), 'workflow-replay-'));
  try {
    const clone = path.join(work, 'clone');
    git(['clone', '--quiet', '--no-hardlinks', WORKSPACE_ROOT, clone]);
    git(['checkout', '--quiet', '--detach', head], clone);
    log(`Replaying ${file} job ${job} in a fresh clone at ${head.slice(0, 12)} (base ${base.slice(0, 12)})`);
    const started = Date.now();
    const outcomes = await runReplay(plan, clone, path.join(work, 'runner-temp'), log);
    log('\nstep | seconds');
    for (const outcome of outcomes) log(`${outcome.label} | ${outcome.kind === 'ran' ? outcome.seconds.toFixed(1) : 'skipped'}`);
    log(`total | ${((Date.now() - started) / 1000).toFixed(1)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

runMain(main);

// The plan-review command: reviews the saved plans of an environment (or, without credentials, a synth
// diff against a git ref), writes <plans>/<env>/review.md and review.json, and prints the Markdown.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT_CODES, exitCodeOf, parsePlanJson, renderReview, reviewPlans, reviewSynthDiff, type Review } from '@canaryfleet/plan-review';
import { ENVIRONMENTS, type EnvironmentName } from '../cdktf/apps';
import { appOutdir } from '../cdktf/project-file';
import { distRoot, WORKSPACE_ROOT } from '../workspace-root';
import { readSynthesizedStacks, synthesizeAtRef } from './synthesize-ref';

const USAGE = 'usage: plan-review <env> [--synth-diff <base-ref>] [--detailed-exitcode]';

interface Options {
  readonly env: EnvironmentName;
  readonly synthDiffBase?: string;
  readonly detailedExitCode: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const positional: string[] = [];
  let synthDiffBase: string | undefined;
  let detailedExitCode = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--synth-diff') {
      synthDiffBase = argv[++i];
      if (!synthDiffBase || synthDiffBase.startsWith('--')) throw new Error(`--synth-diff needs a git ref (branch, tag or SHA). ${USAGE}`);
    } else if (arg === '--detailed-exitcode') detailedExitCode = true;
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}. ${USAGE}`);
    else positional.push(arg);
  }
  const [env, ...extra] = positional;
  if (!env || extra.length > 0 || !(ENVIRONMENTS as readonly string[]).includes(env)) {
    throw new Error(`environment ${JSON.stringify(env ?? null)}${extra.length ? ` (and unexpected ${extra.join(' ')})` : ''}: must be one of ${ENVIRONMENTS.join(', ')}. ${USAGE}`);
  }
  return { env: env as EnvironmentName, synthDiffBase, detailedExitCode };
}

function reviewSavedPlans(env: EnvironmentName, plansDir: string): Review {
  const files = existsSync(plansDir) ? readdirSync(plansDir).filter((file) => file.endsWith('.plan.json')).sort() : [];
  if (files.length === 0) {
    throw new Error(`${path.relative(WORKSPACE_ROOT, plansDir)}: no <stack>.plan.json files; run \`nx run ${env}:plan\` first, or use --synth-diff <base-ref> without credentials`);
  }
  return reviewPlans(
    env,
    files.map((file) => ({ stack: file.slice(0, -'.plan.json'.length), plan: parsePlanJson(readFileSync(path.join(plansDir, file), 'utf8'), path.join(path.relative(WORKSPACE_ROOT, plansDir), file)) })),
  );
}

function reviewSynth(env: EnvironmentName, baseRef: string): Review {
  const head = readSynthesizedStacks(appOutdir(env));
  if (head.size === 0) throw new Error(`${path.relative(WORKSPACE_ROOT, appOutdir(env))}: no synthesized stacks; run \`nx run ${env}:synth\` first`);
  const base = synthesizeAtRef(env, baseRef);
  const names = [...new Set([...base.keys(), ...head.keys()])].sort();
  return reviewSynthDiff(env, baseRef, names.map((stack) => ({ stack, before: base.get(stack), after: head.get(stack) })));
}

export interface PlanReviewIo {
  /** Where the saved plans of each environment are (`<plansRoot>/<env>/*.plan.json`). @default dist/plans */
  readonly plansRoot?: string;
  readonly stdout?: (text: string) => void;
}

/** Runs the review for command-line `argv` (without node and script) and returns the exit code; throws on errors. */
export function runPlanReview(argv: readonly string[], io: PlanReviewIo = {}): number {
  const options = parseArgs(argv);
  const plansDir = path.join(io.plansRoot ?? path.join(distRoot(), 'plans'), options.env);
  const review = options.synthDiffBase ? reviewSynth(options.env, options.synthDiffBase) : reviewSavedPlans(options.env, plansDir);
  const markdown = renderReview(review);
  mkdirSync(plansDir, { recursive: true });
  writeFileSync(path.join(plansDir, 'review.md'), markdown);
  // For CI: the outcome and the findings without parsing Markdown.
  const summary = {
    environment: review.environment,
    source: review.source,
    baseRef: review.baseRef,
    outcome: review.outcome,
    exitCode: exitCodeOf(review.outcome),
    stacks: review.stacks.map(({ stack, counts, risks }) => ({ stack, counts, risks })),
  };
  writeFileSync(path.join(plansDir, 'review.json'), `${JSON.stringify(summary, null, 2)}\n`);
  (io.stdout ?? ((text: string) => process.stdout.write(text)))(markdown);
  return options.detailedExitCode ? exitCodeOf(review.outcome) : EXIT_CODES.noChanges;
}


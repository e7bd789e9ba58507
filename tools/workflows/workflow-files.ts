import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** The parts of a workflow step the lint test and the replay read. */
export interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly if?: string | boolean;
  readonly run?: string;
  readonly shell?: string;
  readonly uses?: string;
  readonly with?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, unknown>>;
  readonly 'working-directory'?: string;
}

export interface Job {
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly environment?: string | { readonly name: string };
  readonly concurrency?: { readonly group: string; readonly 'cancel-in-progress': boolean };
  readonly strategy?: { readonly 'max-parallel'?: number; readonly 'fail-fast'?: boolean; readonly matrix?: Readonly<Record<string, unknown>> };
  readonly env?: Readonly<Record<string, unknown>>;
  readonly defaults?: { readonly run?: { readonly shell?: string } };
  readonly steps?: readonly Step[];
  /** A job that calls a reusable workflow instead of running steps. */
  readonly uses?: string;
  readonly with?: Readonly<Record<string, unknown>>;
}

export interface Workflow {
  readonly on: unknown;
  readonly env?: Readonly<Record<string, unknown>>;
  readonly defaults?: { readonly run?: { readonly shell?: string } };
  readonly jobs: Readonly<Record<string, Job>>;
}

export interface CompositeAction {
  readonly runs: { readonly using: string; readonly steps: readonly Step[] };
}

/** A file under .github/, relative to the repository root, with its text. */
export interface WorkflowSource {
  readonly file: string;
  readonly text: string;
}

const isYaml = (name: string) => name.endsWith('.yml') || name.endsWith('.yaml');

/** Every workflow file in .github/workflows, whoever wrote it. */
export function workflowFiles(root: string): WorkflowSource[] {
  const dir = path.join(root, '.github', 'workflows');
  return readdirSync(dir)
    .filter(isYaml)
    .sort()
    .map((name) => ({ file: path.join('.github', 'workflows', name), text: readFileSync(path.join(dir, name), 'utf8') }));
}

/** Every local action (.github/actions/<name>/action.yml). */
export function actionFiles(root: string): WorkflowSource[] {
  const dir = path.join(root, '.github', 'actions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => ['action.yml', 'action.yaml'].map((file) => path.join('.github', 'actions', name, file)))
    .filter((file) => existsSync(path.join(root, file)))
    .map((file) => ({ file, text: readFileSync(path.join(root, file), 'utf8') }));
}

export function readWorkflow(root: string, file: string): Workflow {
  return parse(readFileSync(path.join(root, file), 'utf8')) as Workflow;
}

/** The file of a local action referenced as `uses: ./.github/actions/<name>`. */
export function localActionFile(root: string, uses: string): string {
  const file = ['action.yml', 'action.yaml'].map((name) => path.join(uses.replace(/^\.\//, ''), name)).find((candidate) => existsSync(path.join(root, candidate)));
  if (!file) throw new Error(`uses: ${uses}: no action.yml in ${uses}`);
  return file;
}

/** A step where it was written: a workflow job's step, or a step of a local composite action it uses. */
export interface PlacedStep {
  readonly step: Step;
  /** `file: job.steps[i]` or `file (via <uses>): runs.steps[i]`, for messages. */
  readonly where: string;
  /** Whether it comes from a composite action, where `shell` is required on every run step. */
  readonly inComposite: boolean;
}

/** The steps of a job in the order they run, with the steps of local composite actions spliced in. */
export function expandedSteps(root: string, file: string, jobId: string): PlacedStep[] {
  const job = readWorkflow(root, file).jobs[jobId];
  if (!job) throw new Error(`${file}: no job "${jobId}"`);
  return (job.steps ?? []).flatMap((step, i) => expandStep(root, step, `${file}: ${jobId}.steps[${i}]`, false));
}

function expandStep(root: string, step: Step, where: string, inComposite: boolean): PlacedStep[] {
  if (!step.uses?.startsWith('./')) return [{ step, where, inComposite }];
  const actionFile = localActionFile(root, step.uses);
  const action = parse(readFileSync(path.join(root, actionFile), 'utf8')) as CompositeAction;
  if (action.runs.using !== 'composite') throw new Error(`${where}: ${step.uses} is a ${action.runs.using} action; only composite actions are local here`);
  return action.runs.steps.flatMap((inner, i) => expandStep(root, inner, `${actionFile} (via ${where}): runs.steps[${i}]`, true));
}

import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { findProviderMirror } from '../terraform/cli-config';
import { expandedSteps, readWorkflow, type PlacedStep, type Step } from './workflow-files';

/**
 * What the replay does with one step of the job: run its `run:` script here as GitHub would, or skip it
 * for a stated reason and, where the step installs a tool, check that this machine has the same version.
 */
export type ReplayStep =
  | { readonly kind: 'run'; readonly label: string; readonly where: string; readonly script: string; readonly shell: readonly string[]; readonly env: Readonly<Record<string, string>>; readonly workingDirectory?: string }
  | { readonly kind: 'skip'; readonly label: string; readonly where: string; readonly why: string; readonly check?: (clone: string) => string | undefined };

/** Values of the `${{ }}` expressions the replayed steps use, for the event being replayed. */
export type ExpressionValues = Readonly<Record<string, string>>;

function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}

function expectVersion(tool: string, found: string, wanted: string, matches: (found: string) => boolean): string | undefined {
  return matches(found) ? undefined : `${tool}: the workflow installs ${wanted}, this machine has ${found || 'none'}; the replay would not prove the workflow's steps`;
}

interface SkipRule {
  /** `owner/name` of an action (any version), or the exact name of a `run:` step. */
  readonly uses?: string;
  readonly runStepName?: string;
  readonly why: string;
  readonly check?: (step: Step, clone: string) => string | undefined;
}

/**
 * Every step the replay does not run, and why. A `uses:` step not listed here stops the replay: it must
 * be added here with its reason, or be a local composite action (whose steps are replayed).
 */
export const SKIPPED_STEPS: readonly SkipRule[] = [
  { uses: 'actions/checkout', why: 'the replay runs in its own fresh clone at the head commit, with full history (as fetch-depth: 0)' },
  {
    uses: 'actions/setup-node',
    why: "GitHub's Node installer; checks this machine's Node major version instead",
    check: (step) => {
      const wanted = String(step.with?.['node-version']);
      return expectVersion('node', run('node', ['--version']), wanted, (found) => found.replace(/^v/, '').split('.')[0] === wanted);
    },
  },
  {
    uses: 'hashicorp/setup-terraform',
    why: 'downloads terraform from releases.hashicorp.com, which this machine cannot reach; checks the version on PATH instead',
    check: (step) => {
      const wanted = String(step.with?.terraform_version);
      const found = (JSON.parse(run('terraform', ['version', '-json']) || '{}') as { terraform_version?: string }).terraform_version ?? '';
      return expectVersion('terraform', found, wanted, (version) => version === wanted);
    },
  },
  {
    uses: 'actions/setup-python',
    why: "GitHub's Python installer; checks this machine's python3 instead",
    check: (step) => {
      const wanted = String(step.with?.['python-version']);
      const found = run('python3', ['--version']).replace(/^Python /, '');
      return expectVersion('python3', found, wanted, (version) => version === wanted || version.startsWith(`${wanted}.`));
    },
  },
  {
    runStepName: 'Install moto_server',
    why: 'pip install from PyPI, which this machine cannot reach; checks the moto on PATH instead',
    check: (step) => {
      const wanted = /moto\[server\]==([\d.]+)/.exec(step.run ?? '')?.[1] ?? '(no pinned version)';
      const onPath = spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
      const found = onPath ? run('python3', ['-c', 'import moto; print(moto.__version__)']) : '';
      return expectVersion('moto_server', found, wanted, (version) => version === wanted);
    },
  },
  { uses: 'actions/cache', why: "GitHub's cache service; nothing to restore in a fresh clone" },
  {
    runStepName: "Mirror the hashicorp/aws provider for the project's CLI config",
    why: "terraform providers mirror downloads from registry.terraform.io, which this machine cannot reach; checks that the project's CLI config finds a mirror with the provider version instead",
    check: (_step, clone) => {
      const packageFile = path.join(clone, 'node_modules', '@cdktf', 'provider-aws', 'package.json');
      const version = (JSON.parse(readFileSync(packageFile, 'utf8')) as { cdktf: { provider: { version: string } } }).cdktf.provider.version;
      const mirror = findProviderMirror();
      const provider = mirror && path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws');
      const found = provider && (existsSync(path.join(provider, version)) || existsSync(path.join(provider, `terraform-provider-aws_${version}_linux_amd64.zip`)));
      return found ? undefined : `no provider mirror with hashicorp/aws ${version} on this machine (looked in ${mirror ?? 'CANARYFLEET_TF_MIRROR and the top three levels of /'})`;
    },
  },
  { uses: 'actions/github-script', why: "calls the GitHub API with the workflow's token; there is no pull request here" },
  { uses: 'aws-actions/configure-aws-credentials', why: 'needs an OIDC token from GitHub and an AWS account' },
];

function skipRuleOf(step: Step): SkipRule | undefined {
  if (step.uses) return SKIPPED_STEPS.find((rule) => rule.uses !== undefined && step.uses?.split('@')[0] === rule.uses);
  return SKIPPED_STEPS.find((rule) => rule.runStepName !== undefined && step.name === rule.runStepName);
}

/** Replaces every `${{ }}` with its value; an expression without a value stops the replay, naming it. */
export function resolveExpressions(text: string, values: ExpressionValues, where: string): string {
  return text.replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_match, expression: string) => {
    const value = values[expression];
    if (value === undefined) throw new Error(`${where}: the replay has no value for \${{ ${expression} }}; add it to the replayed event's values (tools/workflows/replay-main.ts)`);
    return value;
  });
}

function resolvedEnv(env: Readonly<Record<string, unknown>> | undefined, values: ExpressionValues, where: string): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).map(([name, value]) => [name, resolveExpressions(String(value), values, `${where} env.${name}`)]));
}

/** `bash -e {0}` when the step names no shell, `bash --noprofile --norc -eo pipefail {0}` for `shell: bash`. */
function shellCommand(shell: string | undefined, where: string): string[] {
  if (shell === undefined) return ['bash', '-e'];
  if (shell === 'bash') return ['bash', '--noprofile', '--norc', '-eo', 'pipefail'];
  if (shell === 'sh') return ['sh', '-e'];
  throw new Error(`${where}: shell ${shell} is not replayed; the replay knows bash and sh`);
}

function label(step: Step): string {
  return step.name ?? step.uses ?? step.run?.split('\n')[0] ?? '(unnamed step)';
}

/** The job's steps in order, each to run (with its environment resolved) or to skip (with the reason). */
export function planReplay(root: string, file: string, jobId: string, values: ExpressionValues): ReplayStep[] {
  const workflow = readWorkflow(root, file);
  const job = workflow.jobs[jobId];
  if (!job) throw new Error(`${file}: no job "${jobId}"`);
  const inherited = { ...resolvedEnv(workflow.env, values, `${file}`), ...resolvedEnv(job.env, values, `${file}: ${jobId}`) };
  return expandedSteps(root, file, jobId).map(({ step, where, inComposite }: PlacedStep): ReplayStep => {
    const rule = skipRuleOf(step);
    if (rule) {
      return { kind: 'skip', label: label(step), where, why: rule.why, check: rule.check && ((clone: string) => rule.check?.(step, clone)) };
    }
    if (step.uses) throw new Error(`${where}: uses ${step.uses}, which the replay can neither run nor skip; add it to SKIPPED_STEPS (tools/workflows/replay-plan.ts) with the reason`);
    if (step.if !== undefined) throw new Error(`${where}: has if: ${String(step.if)}; the replay evaluates no conditions, so it cannot say whether the step runs`);
    const shell = step.shell ?? (inComposite ? undefined : (job.defaults?.run?.shell ?? workflow.defaults?.run?.shell));
    return {
      kind: 'run',
      label: label(step),
      where,
      script: resolveExpressions(step.run ?? '', values, where),
      shell: shellCommand(shell, where),
      env: { ...inherited, ...resolvedEnv(step.env, values, where) },
      workingDirectory: step['working-directory'],
    };
  });
}

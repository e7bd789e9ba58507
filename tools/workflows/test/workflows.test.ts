// Every workflow file in .github/workflows (whoever adds it) and every local action must be runnable:
// actionlint finds nothing, shellcheck finds nothing in any run: block (checked as actionlint checks it),
// every github-script compiles, every nx call names targets that exist, every script a step starts
// exists. Then the structure that carries decisions: the tools the setup gives the tests, the order of
// deploys, the environment list read rather than repeated.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENTS, WORKFLOW_ENVIRONMENTS } from '@canaryfleet/environments';
import { WORKSPACE_ROOT } from '../../workspace-root';
import { actionlint } from '../actionlint';
import { requireShellcheck } from '../shellcheck';
import { shellcheckRunStep } from '../run-step-lint';
import { actionFiles, expandedSteps, readWorkflow, workflowFiles, type CompositeAction, type Job, type Step, type Workflow } from '../workflow-files';

const EVERY_PROJECT_TARGETS = ['test', 'lint', 'typecheck'];
const ENVIRONMENT_TARGETS = ['synth', 'validate', 'plan', 'plan-review', 'deploy', 'outputs'];

/** Targets of every project, from each project.json under apps/, libs/ and tools/. */
function workspaceTargets(): Map<string, Set<string>> {
  const files = [
    ...['apps', 'libs'].flatMap((dir) => readdirSync(path.join(WORKSPACE_ROOT, dir)).map((name) => path.join(dir, name, 'project.json'))),
    path.join('tools', 'project.json'),
  ].filter((file) => existsSync(path.join(WORKSPACE_ROOT, file)));
  return new Map(
    files.map((file) => {
      const project = JSON.parse(readFileSync(path.join(WORKSPACE_ROOT, file), 'utf8')) as { name: string; targets?: Record<string, unknown> };
      return [project.name, new Set(Object.keys(project.targets ?? {}))];
    }),
  );
}

const workflows = workflowFiles(WORKSPACE_ROOT);
const actions = actionFiles(WORKSPACE_ROOT);

/** Every step of every workflow job and local action, where it is written, and the shell it runs in by default. */
const allSteps: { step: Step; where: string; defaultShell?: string }[] = [
  ...workflows.flatMap(({ file, text }) => {
    const workflow = parse(text) as Workflow;
    return Object.entries(workflow.jobs).flatMap(([jobId, job]) =>
      (job.steps ?? []).map((step, i) => ({ step, where: `${file}: ${jobId}.steps[${i}]`, defaultShell: job.defaults?.run?.shell ?? workflow.defaults?.run?.shell })),
    );
  }),
  ...actions.flatMap(({ file, text }) => ((parse(text) as CompositeAction).runs.steps ?? []).map((step, i) => ({ step, where: `${file}: runs.steps[${i}]` }))),
];

/** Every `nx ...` command line in the run steps, joined across `\` line continuations. */
function nxCalls(): string[] {
  return allSteps
    .flatMap(({ step }) => (step.run ?? '').replace(/\\\n\s*/g, ' ').split('\n'))
    .flatMap((line) => [...line.matchAll(/\bnpx nx ([^|;&)]+)/g)].map((match) => match[1].trim()));
}

const needsOf = (job: Job) => (Array.isArray(job.needs) ? job.needs : job.needs ? [job.needs] : []);
const shellcheckHere = requireShellcheck('workflow lint');

describe('every workflow file and local action', () => {
  it('covers every file in .github/workflows and .github/actions', () => {
    expect(workflows.map(({ file }) => path.basename(file))).toEqual(readdirSync(path.join(WORKSPACE_ROOT, '.github', 'workflows')).filter((name) => /\.ya?ml$/.test(name)).sort());
    expect(actions.length).toBe(readdirSync(path.join(WORKSPACE_ROOT, '.github', 'actions')).length);
  });

  it('passes actionlint', () => {
    expect(actionlint(workflows).map(({ file, line, column, message }) => `${file}:${line}:${column}: ${message}`)).toEqual([]);
  }, 60_000);

  (shellcheckHere ? it : it.skip)('has no shellcheck finding in any run: block', () => {
    const findings = allSteps.flatMap(({ step, where, defaultShell }) =>
      shellcheckRunStep(step, defaultShell).map((finding) => `${where} line ${finding.line}: SC${finding.code} ${finding.message}`),
    );
    expect(findings).toEqual([]);
  }, 60_000);

  it('has only github-script scripts that compile', () => {
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => unknown;
    const scripts = allSteps.filter(({ step }) => step.uses?.startsWith('actions/github-script'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const { step, where } of scripts) {
      let problem = '';
      try {
        new AsyncFunction('github', 'context', 'core', 'glob', 'io', 'exec', 'require', String(step.with?.script));
      } catch (error) {
        problem = (error as Error).message;
      }
      expect({ where, problem }).toEqual({ where, problem: '' });
    }
  });

  it('starts only scripts that exist', () => {
    const started = allSteps.flatMap(({ step }) => [...(step.run ?? '').matchAll(/\bnode (?:--import tsx )?((?:tools|libs|apps)\/\S+\.ts)\b/g)].map((match) => match[1]));
    expect(started.length).toBeGreaterThan(0);
    expect(started.filter((file) => !existsSync(path.join(WORKSPACE_ROOT, file)))).toEqual([]);
  });

  it('names only nx targets that exist', () => {
    const targets = workspaceTargets();
    const exists = (target: string) => [...targets.values()].some((names) => names.has(target));
    const calls = nxCalls();
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      const words = call.split(/\s+/);
      if (words[0] === 'affected' || words[0] === 'run-many') {
        const named = words.slice(words.indexOf('-t') + 1).filter((word) => !word.startsWith('-'));
        expect([call, named.length > 0 && named.every(exists)]).toEqual([call, true]);
      } else if (words[0] === 'run') {
        const [project, target] = words[1].replace(/"/g, '').split(':');
        // A variable ("$ENVIRONMENT") stands for each environment the workflows deploy.
        const projects = /\$/.test(project) ? WORKFLOW_ENVIRONMENTS : [project];
        for (const name of projects) expect([call, name, targets.get(name)?.has(target)]).toEqual([call, name, true]);
      } else if (words[0] === 'show') {
        const target = /--withTarget[= ](\S+)/.exec(call)?.[1];
        expect([call, target === undefined || exists(target)]).toEqual([call, true]);
      } else {
        throw new Error(`unrecognised nx call in a workflow: nx ${call}; the test knows affected, run-many, run and show`);
      }
    }
  });

  it('never repeats the environment list: environments come from libs/environments/environments.json', () => {
    const strings = (value: unknown): string[] =>
      typeof value === 'string' ? [value] : Array.isArray(value) ? value.flatMap(strings) : value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]) : [];
    const named = [...workflows, ...actions].flatMap(({ file, text }) =>
      strings(parse(text))
        // An environment's name as a word of its own (not in a path such as /dev/null).
        .filter((text) => WORKFLOW_ENVIRONMENTS.some((env) => new RegExp(`(?<![\\w/.-])${env}(?![\\w/.-])`).test(text)))
        .map((text) => `${file}: ${text}`),
    );
    expect(named).toEqual([]);
  });

  it('every project has test, lint and typecheck, and every environment the environment targets', () => {
    const targets = workspaceTargets();
    for (const [project, names] of targets) {
      for (const target of EVERY_PROJECT_TARGETS) expect(`${project}:${names.has(target) ? target : 'MISSING ' + target}`).toBe(`${project}:${target}`);
    }
    for (const env of ENVIRONMENTS) expect(ENVIRONMENT_TARGETS.filter((target) => !targets.get(env)?.has(target))).toEqual([]);
  });
});

describe('the setup action', () => {
  const steps = expandedSteps(WORKSPACE_ROOT, '.github/workflows/pull-request.yml', 'verify').map(({ step }) => step);
  const action = (name: string) => steps.find((step) => step.uses?.startsWith(`${name}@`));

  it('gives the verify job every tool the affected tests need, at the versions the project is tested with', () => {
    expect(action('actions/setup-node')?.with?.['node-version']).toBe(20);
    expect(steps.some((step) => /^npm ci\b/.test(step.run ?? ''))).toBe(true);
    // terraform 1.11.4 is what the integration tests run with here; the replay checks the machine agrees.
    expect(action('hashicorp/setup-terraform')?.with).toMatchObject({ terraform_version: '1.11.4', terraform_wrapper: false });
    // Without moto_server, CI=true fails every integration test (tools/local-aws/integration-guard.ts).
    expect(action('actions/setup-python')?.with?.['python-version']).toBe('3.11');
    expect(steps.some((step) => /pip install .*'moto\[server\]==5\.2\.1'/.test(step.run ?? ''))).toBe(true);
    // The provider through the project's CLI config (tools/terraform/cli-config.ts reads CANARYFLEET_TF_MIRROR).
    expect(steps.some((step) => /terraform .*providers mirror/.test(step.run ?? '') && /CANARYFLEET_TF_MIRROR=/.test(step.run ?? ''))).toBe(true);
    expect(steps.some((step) => /apt-get install .*shellcheck/.test(step.run ?? ''))).toBe(true);
  });
});

describe('pull requests', () => {
  const { jobs } = readWorkflow(WORKSPACE_ROOT, '.github/workflows/pull-request.yml');

  it('verify the affected projects, then plan each affected environment with its own read-only OIDC role', () => {
    expect(Object.keys(jobs)).toEqual(['verify', 'plan']);
    expect(needsOf(jobs.plan)).toEqual(['verify']);
    expect(jobs.verify.steps?.map((step) => step.run ?? step.uses)).toEqual(
      expect.arrayContaining(['npx nx affected -t lint typecheck test synth validate --base="$NX_BASE" --head="$NX_HEAD"', './.github/actions/affected-environments']),
    );
    expect(jobs.plan.strategy?.matrix?.environment).toBe('${{ fromJSON(needs.verify.outputs.environments) }}');
    const credentials = jobs.plan.steps?.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials'));
    expect(credentials?.with?.['role-to-assume']).toBe("${{ vars[format('AWS_PLAN_ROLE_ARN_{0}', matrix.environment)] }}");
    // The plan role trusts `repo:<owner/name>:environment:<env>-plan` only: without this line the token's subject is the pull request.
    expect(jobs.plan.environment).toBe('${{ matrix.environment }}-plan');
  });
});

describe('main', () => {
  const { jobs } = readWorkflow(WORKSPACE_ROOT, '.github/workflows/deploy.yml');
  const perEnvironment = readWorkflow(WORKSPACE_ROOT, '.github/workflows/deploy-environment.yml');

  it('deploys the affected environments one at a time, in the order of the environment list, stopping at a failure', () => {
    expect(Object.keys(jobs)).toEqual(['affected', 'environment']);
    expect(jobs.affected.steps?.map((step) => step.uses)).toContain('./.github/actions/affected-environments');
    expect(jobs.environment).toMatchObject({
      needs: 'affected',
      uses: './.github/workflows/deploy-environment.yml',
      strategy: { 'max-parallel': 1, 'fail-fast': true, matrix: { environment: '${{ fromJSON(needs.affected.outputs.environments) }}' } },
    });
  });

  it('plans each environment with its read-only role, then applies exactly that plan artifact in its GitHub environment', () => {
    const { plan, deploy } = perEnvironment.jobs;
    expect(needsOf(deploy)).toEqual(['plan']);
    expect(deploy.environment).toBe('${{ inputs.environment }}');
    expect(plan.environment).toBe('${{ inputs.environment }}-plan');
    expect(deploy.concurrency).toEqual({ group: 'deploy-${{ inputs.environment }}', 'cancel-in-progress': false });
    const uploaded = plan.steps?.find((step) => step.uses?.startsWith('actions/upload-artifact'))?.with?.name;
    const downloaded = deploy.steps?.find((step) => step.uses?.startsWith('actions/download-artifact'))?.with?.name;
    expect(uploaded).toBe('plan-${{ inputs.environment }}-${{ github.sha }}');
    expect(downloaded).toBe(uploaded);
    const role = (job: Job) => job.steps?.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials'))?.with?.['role-to-assume'];
    expect([role(plan), role(deploy)]).toEqual(["${{ vars[format('AWS_PLAN_ROLE_ARN_{0}', inputs.environment)] }}", "${{ vars[format('AWS_DEPLOY_ROLE_ARN_{0}', inputs.environment)] }}"]);
    expect(deploy.steps?.map((step) => step.run).filter(Boolean)).toEqual(['npx nx run "$ENVIRONMENT:deploy"']);
  });
});

describe('rollouts (docs/rollout.md)', () => {
  const deployGroup = readWorkflow(WORKSPACE_ROOT, '.github/workflows/deploy-environment.yml').jobs.deploy.concurrency;

  it('rollout runs `canary start` on dispatch, with the environment’s operator role, in the concurrency group of its deploys', () => {
    const workflow = readWorkflow(WORKSPACE_ROOT, '.github/workflows/rollout.yml') as Workflow & { on: { workflow_dispatch: { inputs: Record<string, { required: boolean }> } } };
    const inputs = workflow.on.workflow_dispatch.inputs;
    expect(Object.keys(inputs)).toEqual(['environment', 'model', 'steps', 'bake', 'interval']);
    expect([inputs.environment.required, inputs.model.required]).toEqual([true, true]);
    const job = workflow.jobs.rollout;
    // The same group name as deploy-environment.yml's deploy job, for the same environment.
    expect(job.concurrency).toEqual(deployGroup);
    expect(job.environment).toBe('${{ inputs.environment }}');
    const credentials = job.steps?.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials'));
    expect(credentials?.with?.['role-to-assume']).toBe("${{ vars[format('AWS_OPERATOR_ROLE_ARN_{0}', inputs.environment)] }}");
    const runs = (job.steps ?? []).map((step) => step.run ?? '').join('\n');
    expect(runs).toMatch(/jq -e --arg env "\$ENVIRONMENT" .*deployedByWorkflows/);
    expect(runs).toContain('npx nx run "$ENVIRONMENT:outputs"');
    expect(runs).toMatch(/args=\(start "\$ENVIRONMENT" --model "\$MODEL"/);
    expect(runs).toContain('npx canary "${args[@]}"');
    // Dispatch inputs never appear inside a script: they reach it as environment variables.
    expect(runs).not.toMatch(/\$\{\{\s*inputs\./);
  });

  it('the watchdog resumes stalled rollouts of every environment the workflows deploy, every five minutes, in the same groups', () => {
    const workflow = readWorkflow(WORKSPACE_ROOT, '.github/workflows/rollout-watchdog.yml') as Workflow & { on: { schedule: { cron: string }[] } };
    expect(workflow.on.schedule).toEqual([{ cron: '*/5 * * * *' }]);
    const { environments, watchdog } = workflow.jobs;
    expect(environments.steps?.map((step) => step.run).filter(Boolean)).toEqual([expect.stringContaining("jq -c '[.environments[] | select(.deployedByWorkflows) | .name]' libs/environments/environments.json")]);
    expect(watchdog.strategy?.matrix?.environment).toBe('${{ fromJSON(needs.environments.outputs.environments) }}');
    expect(watchdog.concurrency).toEqual({ group: 'deploy-${{ matrix.environment }}', 'cancel-in-progress': false });
    expect(deployGroup?.group.replace('inputs.', 'matrix.')).toBe(watchdog.concurrency?.group);
    expect(watchdog.steps?.map((step) => step.run).filter(Boolean)).toEqual(['npx nx run "$ENVIRONMENT:outputs"', 'npx canary resume "$ENVIRONMENT" --if-stalled --by "rollout-watchdog (run $GITHUB_RUN_ID)"']);
  });
});

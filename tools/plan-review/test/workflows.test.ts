// The workflows cannot run here, so their structure is checked: jobs, deploy order, concurrency,
// environments, and that every nx call names targets the workspace has.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { WORKSPACE_ROOT } from '../../workspace-root';

interface Step {
  readonly run?: string;
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly needs?: string | string[];
  readonly environment?: string | { name: string };
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly steps?: Step[];
}
interface Workflow {
  readonly jobs: Record<string, Job>;
}

const DEPLOYED = ['dev', 'staging', 'prod'];
const EVERY_PROJECT_TARGETS = ['test', 'lint', 'typecheck'];
const ENVIRONMENT_TARGETS = ['synth', 'validate', 'plan', 'plan-review', 'deploy', 'outputs'];

function readYaml<T>(file: string): T {
  return parse(readFileSync(path.join(WORKSPACE_ROOT, file), 'utf8')) as T;
}

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

const workflows = Object.fromEntries(
  readdirSync(path.join(WORKSPACE_ROOT, '.github', 'workflows')).map((file) => [file, readYaml<Workflow>(path.join('.github', 'workflows', file))]),
);
const composite = readYaml<{ runs: { steps: Step[] } }>('.github/actions/setup/action.yml');
const allSteps: Step[] = [...Object.values(workflows).flatMap((workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps ?? [])), ...composite.runs.steps];
const needsOf = (job: Job) => (Array.isArray(job.needs) ? job.needs : job.needs ? [job.needs] : []);

/** Every `nx ...` command line in the workflows' run steps, joined across `\` line continuations. */
function nxCalls(): string[] {
  return allSteps
    .flatMap((step) => (step.run ?? '').replace(/\\\n\s*/g, ' ').split('\n'))
    .flatMap((line) => [...line.matchAll(/\bnpx nx ([^|;&]+)/g)].map((match) => match[1].trim()));
}

describe('workflow files', () => {
  const targets = workspaceTargets();

  it('every project has test, lint and typecheck, and every environment the environment targets', () => {
    for (const [project, names] of targets) {
      for (const target of EVERY_PROJECT_TARGETS) expect(`${project}:${names.has(target) ? target : 'MISSING ' + target}`).toBe(`${project}:${target}`);
    }
    for (const env of [...DEPLOYED, 'local']) {
      expect(ENVIRONMENT_TARGETS.filter((target) => !targets.get(env)?.has(target))).toEqual([]);
    }
  });

  it('every nx call names targets that exist', () => {
    const calls = nxCalls();
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      const words = call.split(/\s+/);
      if (words[0] === 'affected') {
        const named = words.slice(words.indexOf('-t') + 1).filter((word) => !word.startsWith('-'));
        expect(named.length).toBeGreaterThan(0);
        for (const target of named) expect([call, target, [...targets.values()].some((names) => names.has(target))]).toEqual([call, target, true]);
      } else if (words[0] === 'run') {
        const [project, target] = words[1].replace(/"/g, '').split(':');
        // "$ENVIRONMENT" and ${{ matrix.environment }} stand for each deployed environment.
        const projects = /\$/.test(project) ? DEPLOYED : [project];
        for (const name of projects) expect([call, name, targets.get(name)?.has(target)]).toEqual([call, name, true]);
      } else if (words[0] === 'show') {
        const target = /--withTarget[= ](\S+)/.exec(call)?.[1];
        expect([call, target !== undefined && [...targets.values()].some((names) => names.has(target))]).toEqual([call, true]);
      } else {
        throw new Error(`unrecognised nx call in a workflow: nx ${call}; the test knows affected, run and show`);
      }
    }
  });

  it('pull requests verify, then plan each affected environment with its own OIDC role', () => {
    const { jobs } = workflows['pull-request.yml'];
    expect(Object.keys(jobs)).toEqual(['verify', 'plan']);
    expect(needsOf(jobs.plan)).toEqual(['verify']);
    const credentials = jobs.plan.steps?.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials'));
    expect(credentials?.with?.['role-to-assume']).toBe("${{ vars[format('AWS_PLAN_ROLE_ARN_{0}', matrix.environment)] }}");
    expect(nxCalls()).toContain('affected -t lint typecheck test synth validate --base="$NX_BASE" --head="$NX_HEAD"');
  });

  it('main deploys dev -> staging -> prod, each in its GitHub environment and concurrency group, applying its own plan artifact', () => {
    const { jobs } = workflows['deploy.yml'];
    expect(Object.keys(jobs).sort()).toEqual(['affected', ...DEPLOYED.flatMap((env) => [`deploy-${env}`, `plan-${env}`])].sort());
    DEPLOYED.forEach((env, i) => {
      const deploy = jobs[`deploy-${env}`];
      expect(needsOf(deploy)).toEqual([`plan-${env}`, ...(i > 0 ? [`deploy-${DEPLOYED[i - 1]}`] : [])]);
      expect(deploy.environment).toBe(env);
      expect(deploy.concurrency).toEqual({ group: `deploy-${env}`, 'cancel-in-progress': false });
      const uploaded = jobs[`plan-${env}`].steps?.find((step) => step.uses?.startsWith('actions/upload-artifact'))?.with?.name;
      const downloaded = deploy.steps?.find((step) => step.uses?.startsWith('actions/download-artifact'))?.with?.name;
      expect(downloaded).toBe(uploaded);
      expect(deploy.steps?.map((step) => step.run).filter(Boolean)).toEqual([`npx nx run ${env}:deploy`]);
    });
  });
});

import { execFileSync } from 'node:child_process';
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENTS } from '../apps';
import { WORKSPACE_ROOT } from '../../workspace-root';

// `nx affected` decides what CI builds and plans, so the project graph must see every real dependency.
function affectedBy(file: string): string[] {
  const out = execFileSync('npx', ['nx', 'show', 'projects', '--affected', `--files=${file}`, '--json'], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    encoding: 'utf8',
  });
  return (JSON.parse(out) as string[]).sort();
}

const environmentsAffectedBy = (file: string) => affectedBy(file).filter((p) => ENVIRONMENTS.includes(p));

/** The project a file belongs to, from the project.json nearest above it. */
function projectOf(file: string): string {
  for (let dir = path.dirname(file); dir !== '.'; dir = path.dirname(dir)) {
    const projectFile = path.join(WORKSPACE_ROOT, dir, 'project.json');
    if (existsSync(projectFile)) return (JSON.parse(readFileSync(projectFile, 'utf8')) as { name: string }).name;
  }
  throw new Error(`${file} belongs to no project`);
}

/** Test files that check all environments together: every test that loads each environment's config. */
function crossEnvironmentChecks(): string[] {
  const testDirs = ['apps', 'libs'].flatMap((dir) => readdirSync(path.join(WORKSPACE_ROOT, dir)).map((name) => path.join(dir, name, 'test'))).concat(['tools']);
  const files = testDirs.flatMap((dir) =>
    existsSync(path.join(WORKSPACE_ROOT, dir)) ? (readdirSync(path.join(WORKSPACE_ROOT, dir), { recursive: true }) as string[]).map((file) => path.join(dir, file)) : [],
  );
  return files.filter((file) => file.endsWith('.test.ts') && /ENVIRONMENTS\.map\(loadEnvironmentConfig\)/.test(readFileSync(path.join(WORKSPACE_ROOT, file), 'utf8')));
}

describe('nx affected', () => {
  test('a change under libs/network marks every environment affected', () => {
    expect(environmentsAffectedBy('libs/network/src/network.ts')).toEqual([...ENVIRONMENTS].sort());
  });

  test('a change under apps/dev marks only dev among the environments (and the bootstrap app, which creates its state bucket)', () => {
    expect(affectedBy('apps/dev/src/config.ts')).toEqual(['bootstrap', 'dev']);
  });

  test('a config change of any one environment reruns every check over all environments', () => {
    const checks = crossEnvironmentChecks();
    // The distinct-networks / only-prod-is-production checks and the security posture test, at least.
    expect(checks).toEqual(expect.arrayContaining(['apps/bootstrap/test/environments.test.ts', 'apps/bootstrap/test/security-posture.test.ts']));
    const owners = [...new Set(checks.map(projectOf))].sort();
    for (const env of ENVIRONMENTS) {
      const affected = affectedBy(`apps/${env}/src/config.ts`);
      expect({ env, missing: owners.filter((owner) => !affected.includes(owner)) }).toEqual({ env, missing: [] });
    }
  });

  test('a change of the environment list reruns the tools and the bootstrap app that read it', () => {
    expect(affectedBy('libs/environments/environments.json')).toEqual(expect.arrayContaining(['bootstrap', 'environments', 'tools']));
  });

  test('a change to the judge marks no deployed environment', () => {
    // Only `local`: its integration tests run the project's tools, and `deploy` reads the operator's lease
    // (tools/terraform/rollout-guard.ts -> libs/rollout-aws -> libs/rollout -> libs/judge).
    expect(environmentsAffectedBy('libs/judge/src/index.ts')).toEqual(['local']);
  });

  test('a change to the local data plane marks only its own project, the local rollouts that run on it and the local environment (with the bootstrap app)', () => {
    expect(affectedBy('tools/data-plane/src/alb/alb-stand-in.ts')).toEqual(['bootstrap', 'data-plane', 'local', 'local-rollout']);
  });

  test('a dependency update marks everything', () => {
    expect(environmentsAffectedBy('package-lock.json')).toEqual([...ENVIRONMENTS].sort());
  });
});

// Checks over all environments together. They live in the bootstrap app, the project that depends on
// every environment (project.json: every project tagged scope:environment), so `nx affected` reruns them
// when any one environment's config changes.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { assertDistinctNetworks } from '@canaryfleet/config';
import { WORKFLOW_ENVIRONMENTS } from '@canaryfleet/environments';
import { ENVIRONMENTS, loadEnvironmentConfig, WORKSPACE_ROOT } from '@canaryfleet/tools';

/** The projects nx counts as environments: those tagged scope:environment in their project.json. */
function taggedEnvironmentProjects(): string[] {
  return ['apps', 'libs']
    .flatMap((dir) => readdirSync(path.join(WORKSPACE_ROOT, dir)).map((name) => path.join(WORKSPACE_ROOT, dir, name, 'project.json')))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as { name: string; tags?: string[] })
    .filter((project) => project.tags?.includes('scope:environment'))
    .map((project) => project.name);
}

describe('environments, together', () => {
  const configs = ENVIRONMENTS.map(loadEnvironmentConfig);

  test('the environment list names exactly the projects nx knows as environments (tag scope:environment)', () => {
    expect(taggedEnvironmentProjects().sort()).toEqual([...ENVIRONMENTS].sort());
  });

  test('each app holds the config of the environment it is named after', () => {
    expect(configs.map((c) => c.name)).toEqual([...ENVIRONMENTS]);
  });

  test('no two environments share address space', () => {
    expect(() => assertDistinctNetworks(configs)).not.toThrow();
  });

  test('only prod is a production environment and only local runs on the local AWS', () => {
    expect(configs.filter((c) => c.tier === 'production').map((c) => c.name)).toEqual(['prod']);
    expect(configs.filter((c) => c.localAws).map((c) => c.name)).toEqual(['local']);
  });

  test('the workflows plan and deploy exactly the environments that have an AWS account', () => {
    expect(configs.filter((c) => !c.localAws).map((c) => c.name)).toEqual([...WORKFLOW_ENVIRONMENTS]);
  });

  test('every environment keeps its state in its own key', () => {
    const keys = configs.map((c) => `${c.stateBackend.bucket}/${c.stateBackend.keyPrefix}/${c.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('an unknown environment is refused with the allowed names', () => {
    expect(() => loadEnvironmentConfig('qa')).toThrow('environment "qa": must be one of dev, staging, prod, local');
  });
});

import { execFileSync } from 'node:child_process';
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

const environmentsAffectedBy = (file: string) => affectedBy(file).filter((p) => (ENVIRONMENTS as readonly string[]).includes(p));

describe('nx affected', () => {
  test('a change under libs/network marks every environment affected', () => {
    expect(environmentsAffectedBy('libs/network/src/network.ts')).toEqual([...ENVIRONMENTS].sort());
  });

  test('a change under apps/dev marks only dev among the environments (and the bootstrap app, which creates its state bucket)', () => {
    expect(affectedBy('apps/dev/src/config.ts')).toEqual(['bootstrap', 'dev']);
  });

  test('a change to the judge marks no environment', () => {
    expect(environmentsAffectedBy('libs/judge/src/index.ts')).toEqual([]);
  });

  test('a dependency update marks everything', () => {
    expect(environmentsAffectedBy('package-lock.json')).toEqual([...ENVIRONMENTS].sort());
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WORKSPACE_ROOT } from '../../workspace-root';

// jest maps the workspace's path aliases (@canaryfleet/*) for test files only: a module its globalSetup
// loads, however indirectly, must not import a workspace library, or the whole apps/local suite fails
// before its first test. Loaded here by node with a tsconfig that has no paths, as jest loads it.
describe('the shared local deployment global setup', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'global-setup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('loads, with its teardown, without the workspace path aliases', () => {
    const tsconfig = path.join(dir, 'tsconfig.json');
    writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { module: 'commonjs', esModuleInterop: true } }));
    const load = ['shared-local-setup.ts', 'shared-local-teardown.ts'].map((file) => `require(${JSON.stringify(path.join(WORKSPACE_ROOT, 'tools', 'jest', file))})`);
    const result = spawnSync('node', ['--import', 'tsx', '-e', `${load.join(';')}; process.stdout.write('loaded')`], {
      cwd: WORKSPACE_ROOT,
      encoding: 'utf8',
      env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
      timeout: 60_000,
    });
    expect([result.status, result.stdout, result.stderr.match(/Cannot find module '[^']+'/)?.[0] ?? null]).toEqual([0, 'loaded', null]);
  });
});

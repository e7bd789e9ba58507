import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WORKSPACE_ROOT } from '../../workspace-root';

// tools/cdktf/app.ts in a scratch workspace whose `dev` app we control, run as cdktf.json runs it.
describe('the cdktf.json app command', () => {
  const workspace = mkdtempSync(path.join(tmpdir(), 'canaryfleet-app-'));
  const outdir = path.join(workspace, 'dist', 'cdktf', 'dev');
  const main = path.join(workspace, 'apps', 'dev', 'src', 'main.ts');

  beforeAll(() => {
    cpSync(path.join(WORKSPACE_ROOT, 'tools'), path.join(workspace, 'tools'), { recursive: true });
    // The app command checks CANARYFLEET_APP against the environment list.
    cpSync(path.join(WORKSPACE_ROOT, 'libs', 'environments'), path.join(workspace, 'libs', 'environments'), { recursive: true });
    cpSync(path.join(WORKSPACE_ROOT, 'tsconfig.base.json'), path.join(workspace, 'tsconfig.base.json'));
    symlinkSync(path.join(WORKSPACE_ROOT, 'node_modules'), path.join(workspace, 'node_modules'), 'dir');
    mkdirSync(path.dirname(main), { recursive: true });
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  function synth(source: string) {
    writeFileSync(main, source);
    return spawnSync('node', ['--import', 'tsx', 'tools/cdktf/app.ts'], {
      cwd: workspace,
      encoding: 'utf8',
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json', CANARYFLEET_APP: 'dev', CDKTF_OUTDIR: outdir },
    });
  }

  const stackApp = (stack: string) =>
    `import { App, TerraformStack } from 'cdktf';\nconst app = new App();\nnew TerraformStack(app, '${stack}');\napp.synth();\n`;

  test('creates missing parent folders and writes the stacks', () => {
    expect(synth(stackApp('first')).status).toBe(0);
    expect(readdirSync(path.join(outdir, 'stacks'))).toEqual(['first']);
  });

  test('replaces the output, so a stack removed from the code does not linger', () => {
    expect(synth(stackApp('second')).status).toBe(0);
    expect(readdirSync(path.join(outdir, 'stacks'))).toEqual(['second']);
  });

  test('bad input: a clean message, exit 1, and the last good output left whole', () => {
    const run = synth(
      `class ConfigError extends Error { name = 'ConfigError'; }\nthrow new ConfigError('Invalid configuration for environment "dev":\\n  - network.azCount = 1: must be an integer from 2 to 4');\n`,
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('dev: synth refused, nothing was written.\nInvalid configuration for environment "dev":\n  - network.azCount = 1: must be an integer from 2 to 4\n');
    expect(readdirSync(path.join(outdir, 'stacks'))).toEqual(['second']);
    expect(existsSync(`${outdir}.partial`)).toBe(false);
  });
});

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

  function synth(source: string, into: string = outdir, env: Record<string, string> = {}) {
    writeFileSync(main, source);
    return spawnSync('node', ['--import', 'tsx', 'tools/cdktf/app.ts'], {
      cwd: workspace,
      encoding: 'utf8',
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json', CANARYFLEET_APP: 'dev', CDKTF_OUTDIR: into, ...env },
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

  test('puts the committed provider lock file of each stack into its synthesized folder', () => {
    const committed = path.join(workspace, 'apps', 'dev', 'stacks', 'locked', '.terraform.lock.hcl');
    mkdirSync(path.dirname(committed), { recursive: true });
    writeFileSync(committed, '# the reviewed lock file of dev/locked\n');
    const run = synth(stackApp('locked'));
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(readFileSync(path.join(outdir, 'stacks', 'locked', '.terraform.lock.hcl'), 'utf8')).toBe('# the reviewed lock file of dev/locked\n');
  });

  test('a stack without a committed lock file still synthesizes, with a warning that says how to create one', () => {
    const run = synth(stackApp('second'));
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(
      'dev/second: no committed provider lock file (apps/dev/stacks/second/.terraform.lock.hcl), so terraform init refuses this stack; create it with `npx nx run dev:lock-providers` and commit it.\n',
    );
    expect(readdirSync(path.join(outdir, 'stacks'))).toEqual(['second']);
  });

  test("the cdktf CLI's output folder (cdktf.json \"output\") keeps the nx targets' per-app folders inside it", () => {
    const cliOutdir = path.join(workspace, 'dist', 'cdktf');
    expect(synth(stackApp('second'), cliOutdir).status).toBe(0);
    expect(readdirSync(cliOutdir).sort()).toEqual(['dev', 'manifest.json', 'stacks']);
    expect(readdirSync(path.join(outdir, 'stacks'))).toEqual(['second']);
  });

  test('run by the cdktf CLI (which passes its context), the folder of a stack no longer synthesized is left for the CLI to remove', () => {
    const cliOutdir = path.join(workspace, 'cli-output');
    const cli = { CDKTF_CONTEXT_JSON: '{}' };
    expect(synth(stackApp('second'), cliOutdir, cli).status).toBe(0);
    expect(synth(stackApp('locked'), cliOutdir, cli).status).toBe(0);
    expect(readdirSync(path.join(cliOutdir, 'stacks')).sort()).toEqual(['locked', 'second']);
    expect(JSON.parse(readFileSync(path.join(cliOutdir, 'manifest.json'), 'utf8')).stacks).toEqual({ locked: expect.objectContaining({ workingDirectory: 'stacks/locked' }) });
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

  test('without CDKTF_OUTDIR: refused, saying which commands set it', () => {
    const run = synth(stackApp('second'), '');
    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 1,
      stderr: 'dev: CDKTF_OUTDIR is not set; synthesize through `cdktf synth` or `npx nx run dev:synth`, which set it\n',
    });
  });
});

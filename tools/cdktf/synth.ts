// nx `synth` target: runs the root cdktf.json's app for one CDKTF app into <output>/<app>. Same command
// and environment `cdktf synth` gives the app, without the CLI's start-up cost.
import { execSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { WORKSPACE_ROOT } from '../workspace-root';
import { assertCdktfApp } from './apps';
import { appOutdir, readCdktfProjectFile } from './project-file';

const app = assertCdktfApp(process.argv[2]);
const outdir = appOutdir(app);
// Stacks removed from the code must not linger in the output.
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
execSync(readCdktfProjectFile().app, {
  cwd: WORKSPACE_ROOT,
  stdio: 'inherit',
  env: { ...process.env, CANARYFLEET_APP: app, CDKTF_OUTDIR: outdir },
});

// The `app` command of the root cdktf.json: runs the CDKTF app named by CANARYFLEET_APP into
// CDKTF_OUTDIR, so `cdktf synth|deploy`, the nx `synth` targets and the tools all synthesize the same way.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT } from '../workspace-root';
import { assertCdktfApp } from './apps';

const app = assertCdktfApp(process.env.CANARYFLEET_APP);
if (process.env.CDKTF_OUTDIR) {
  // Stacks removed from the code must not linger in the output (nx caches the whole folder).
  rmSync(path.join(process.env.CDKTF_OUTDIR, 'stacks'), { recursive: true, force: true });
  // cdktf creates only the last folder of the path; a fresh clone has no dist/ yet.
  mkdirSync(process.env.CDKTF_OUTDIR, { recursive: true });
}
require(path.join(WORKSPACE_ROOT, 'apps', app, 'src', 'main.ts'));

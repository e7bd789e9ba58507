// The `app` command of the root cdktf.json: runs the CDKTF app named by CANARYFLEET_APP into
// CDKTF_OUTDIR, so `cdktf synth|deploy`, the nx `synth` targets and the tools all synthesize the same way.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT } from '../workspace-root';
import { assertCdktfApp } from './apps';

// Bad input (environment config, construct props): the message names the field; a stack trace adds nothing.
const USER_INPUT_ERROR = /(Config|Prop)Error$/;

const app = assertCdktfApp(process.env.CANARYFLEET_APP);
const outdir = process.env.CDKTF_OUTDIR;
// Synthesize beside the output and swap only on success: a failed synth leaves the last good output
// whole, and stacks removed from the code do not linger (nx caches the whole folder). Same depth as
// the output, so relative paths computed during synth stay valid.
const staging = outdir ? `${outdir}.partial` : undefined;
if (outdir && staging) {
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  process.env.CDKTF_OUTDIR = staging;
}

try {
  require(path.join(WORKSPACE_ROOT, 'apps', app, 'src', 'main.ts'));
} catch (error) {
  if (staging) rmSync(staging, { recursive: true, force: true });
  if (error instanceof Error && USER_INPUT_ERROR.test(error.name)) {
    process.stderr.write(`${app}: synth refused, nothing was written.\n${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

if (outdir && staging) {
  rmSync(outdir, { recursive: true, force: true });
  renameSync(staging, outdir);
}

// The `app` command of the root cdktf.json: runs the CDKTF app named by CANARYFLEET_APP into
// CDKTF_OUTDIR, so `cdktf synth|diff|deploy`, the nx `synth` targets and the tools all synthesize the
// same way, and puts each stack's committed provider lock file beside it before anything runs init.
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CONTEXT_ENV } from 'cdktf';
import { WORKSPACE_ROOT } from '../workspace-root';
import { assertCdktfApp } from './apps';
import { readManifestStacks } from './manifest';
import { committedLockFile, placeProviderLocks } from './provider-locks';

// Bad input (environment config, construct props): the message names the field; a stack trace adds nothing.
const USER_INPUT_ERROR = /(Config|Prop)Error$/;

function refuse(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const app = assertCdktfApp(process.env.CANARYFLEET_APP);
const outdir = process.env.CDKTF_OUTDIR;
if (!outdir) refuse(`${app}: CDKTF_OUTDIR is not set; synthesize through \`cdktf synth\` or \`npx nx run ${app}:synth\`, which set it`);

// Synthesize beside the output and move the result in only on success: a failed synth leaves the last
// good output whole, and stacks removed from the code do not linger. Same depth as the output, so
// relative paths computed during synth stay valid.
const staging = `${outdir}.partial`;
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
process.env.CDKTF_OUTDIR = staging;

try {
  require(path.join(WORKSPACE_ROOT, 'apps', app, 'src', 'main.ts'));
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  if (error instanceof Error && USER_INPUT_ERROR.test(error.name)) refuse(`${app}: synth refused, nothing was written.\n${error.message}`);
  throw error;
}

const unlocked = placeProviderLocks(app, staging);

// Move in only what the synth wrote, manifest.json and a folder per stack: the cdktf CLI's output folder
// (cdktf.json "output") also holds the nx targets' folder of every app. The CLI removes the folders of
// stacks no longer synthesized itself, and fails if they are gone already; without the CLI, do it here.
const moveIn = (entry: string) => {
  rmSync(path.join(outdir, entry), { recursive: true, force: true });
  renameSync(path.join(staging, entry), path.join(outdir, entry));
};
const stacksFolder = path.join(outdir, 'stacks');
mkdirSync(stacksFolder, { recursive: true });
const synthesized = readManifestStacks(staging).map((stack) => stack.workingDirectory);
if (process.env[CONTEXT_ENV] === undefined) {
  for (const orphan of readdirSync(stacksFolder).filter((stack) => !synthesized.includes(path.join('stacks', stack)))) {
    rmSync(path.join(stacksFolder, orphan), { recursive: true, force: true });
  }
}
for (const workingDirectory of synthesized) moveIn(workingDirectory);
moveIn('manifest.json');
rmSync(staging, { recursive: true, force: true });

for (const stack of unlocked) {
  process.stderr.write(
    `${app}/${stack}: no committed provider lock file (${path.relative(WORKSPACE_ROOT, committedLockFile(app, stack))}), so terraform init refuses this stack; create it with \`npx nx run ${app}:lock-providers\` and commit it.\n`,
  );
}

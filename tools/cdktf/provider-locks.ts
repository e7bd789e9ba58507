import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT } from '../workspace-root';
import { readManifestStacks } from './manifest';

/** Terraform's dependency lock file name; terraform reads it from the stack's working directory. */
export const PROVIDER_LOCK_FILE = '.terraform.lock.hcl';

/**
 * Where a stack's provider lock file is committed: beside its app, in the layout of the synth output
 * (apps/<app>/stacks/<stack>/.terraform.lock.hcl for dist/cdktf/<app>/stacks/<stack>/).
 */
export function committedLockFile(app: string, stack: string, workspace: string = WORKSPACE_ROOT): string {
  return path.join(workspace, 'apps', app, 'stacks', stack, PROVIDER_LOCK_FILE);
}

/**
 * Copies every stack's committed lock file into its synthesized folder, so whatever initializes the
 * stack next (the nx targets, the cdktf CLI) installs exactly the locked providers. Returns the
 * stacks that have no committed lock file.
 */
export function placeProviderLocks(app: string, outdir: string): string[] {
  const missing: string[] = [];
  for (const stack of readManifestStacks(outdir)) {
    const committed = committedLockFile(app, stack.name);
    if (existsSync(committed)) copyFileSync(committed, path.join(outdir, stack.workingDirectory, PROVIDER_LOCK_FILE));
    else missing.push(stack.name);
  }
  return missing;
}

import path from 'node:path';
import { committedLockFile } from '../cdktf/provider-locks';
import { WORKSPACE_ROOT } from '../workspace-root';
import { runTerraform, TerraformError } from './run-terraform';
import type { SynthesizedStack } from './stacks';

export interface InitOptions {
  /** false: `-backend=false`, for validate (no credentials, no state). Default true. */
  readonly backend?: boolean;
}

// What terraform says when the lock file and the providers the stack requires disagree (it wraps lines anywhere).
const LOCK_REFUSAL = /dependency\s+lock\s+file|lock\s+file\s+is\s+read-only|locked\s+provider/;

/**
 * `terraform init` of a synthesized stack, with the lock file synth put there (the committed one)
 * read-only: a provider version or checksum it does not list fails init and changes nothing, so a
 * provider change needs a reviewed lock-file change. -reconfigure because the synth output is
 * rewritten each time.
 */
export async function initStack(app: string, stack: Pick<SynthesizedStack, 'name' | 'dir'>, env: Record<string, string> = {}, options: InitOptions = {}): Promise<void> {
  const backend = options.backend ?? true;
  try {
    await runTerraform(['init', '-input=false', '-no-color', '-lockfile=readonly', backend ? '-reconfigure' : '-backend=false'], { cwd: stack.dir, env });
  } catch (error) {
    if (!(error instanceof TerraformError && LOCK_REFUSAL.test(error.result.stderr))) throw error;
    const lockFile = path.relative(WORKSPACE_ROOT, committedLockFile(app, stack.name));
    throw new Error(
      `${app}/${stack.name}: the providers this stack requires do not match its committed lock file ${lockFile}, so terraform init refused it. A provider change needs a reviewed lock-file change: run \`npx nx run ${app}:lock-providers\` and commit the result.\n${error.result.stderr}`,
    );
  }
}

import { execSync } from 'node:child_process';
import { readCdktfProjectFile } from './project-file';

/**
 * Synthesizes a CDKTF app the way `cdktf synth` does: the `app` command of the workspace's cdktf.json,
 * with CANARYFLEET_APP naming the app and CDKTF_OUTDIR the output folder. That command and those two
 * variables are the whole contract, so this also synthesizes older checkouts (plan review's synth diff).
 */
export function synthApp(workspace: string, app: string, outdir: string, env: Record<string, string> = {}): void {
  execSync(readCdktfProjectFile(workspace).app, {
    cwd: workspace,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env, CANARYFLEET_APP: app, CDKTF_OUTDIR: outdir },
  });
}

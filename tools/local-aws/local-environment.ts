import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCdktfProjectFile } from '../cdktf/project-file';
import { runTerraform, type TerraformResult } from '../terraform/run-terraform';
import { WORKSPACE_ROOT } from '../workspace-root';
import { startMoto, type LocalAws } from './moto';

/**
 * The `local` environment deployed for real, for integration tests: its own moto on a free loopback
 * port, its own synth output and bootstrap state in a temporary folder (never the developer's), the
 * state bucket applied through the bootstrap app, then the environment stack with its S3 backend.
 */
export class LocalEnvironment {
  private constructor(
    readonly aws: LocalAws,
    readonly workDir: string,
  ) {}

  static async start(): Promise<LocalEnvironment> {
    const aws = await startMoto();
    return new LocalEnvironment(aws, mkdtempSync(path.join(tmpdir(), 'canaryfleet-local-')));
  }

  /** Directory of a synthesized stack of `app` (synthesized on first use). */
  stackDir(app: 'local' | 'bootstrap', stack: string): string {
    return path.join(this.workDir, app, 'stacks', stack);
  }

  /** Synthesizes an app through the root cdktf.json's app command, into this run's folder. */
  synth(app: 'local' | 'bootstrap'): void {
    execSync(readCdktfProjectFile().app, {
      cwd: WORKSPACE_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        CANARYFLEET_APP: app,
        CDKTF_OUTDIR: path.join(this.workDir, app),
        CANARYFLEET_BOOTSTRAP_STATE_DIR: path.join(this.workDir, 'bootstrap-state'),
      },
    });
  }

  terraform(dir: string, args: readonly string[], okCodes: readonly number[] = []): Promise<TerraformResult> {
    return runTerraform(args, { cwd: dir, env: this.aws.env, okCodes });
  }

  /** Creates the state bucket (bootstrap app, stack state-local) on this moto. */
  async bootstrap(): Promise<void> {
    this.synth('bootstrap');
    const dir = this.stackDir('bootstrap', 'state-local');
    await this.terraform(dir, ['init', '-input=false', '-no-color']);
    await this.terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
  }

  /** Synthesizes and initializes the environment stack against the S3 backend on moto. */
  async initEnvironment(): Promise<string> {
    this.synth('local');
    const dir = this.stackDir('local', 'inference');
    await this.terraform(dir, ['init', '-input=false', '-no-color']);
    return dir;
  }

  async stop(): Promise<void> {
    await this.aws.stop();
    rmSync(this.workDir, { recursive: true, force: true });
  }
}

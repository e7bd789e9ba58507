import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { synthApp } from '../cdktf/synth-app';
import { initStack } from '../terraform/init-stack';
import { runTerraform, type TerraformResult } from '../terraform/run-terraform';
import { WORKSPACE_ROOT } from '../workspace-root';
import { deployLocal } from './deploy-local';
import { startMoto, type LocalAws } from './moto';
import { localShellEnv } from './shell-env';
import { writeAwsEnvFile } from './state-file';

/** Terraform outputs of the local stack by name, as `nx run local:outputs` writes them. */
export type LocalOutputs = Record<string, unknown>;

/** Exit code and output of one of the project's tools (tools/<script>). */
export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The `local` environment deployed for real, for integration tests: its own moto on a free loopback
 * port, and its own dist folder (synth output, saved plans, outputs) and bootstrap state in a temporary
 * folder, never the developer's. It drives the same tools the nx targets run.
 */
export class LocalEnvironment {
  private constructor(
    readonly aws: LocalAws,
    readonly workDir: string,
    /** Whether `stop` ends moto and removes the folder (false for the suite's shared deployment). */
    private readonly owned = true,
  ) {}

  static async start(): Promise<LocalEnvironment> {
    const aws = await startMoto();
    return new LocalEnvironment(aws, mkdtempSync(path.join(tmpdir(), 'canaryfleet-local-')));
  }

  /** The deployment a jest global setup started for the whole suite (tools/local-aws/shared-deployment.ts). */
  static attach(handle: { readonly aws: LocalAws; readonly workDir: string }): LocalEnvironment {
    return new LocalEnvironment(handle.aws, handle.workDir, false);
  }

  /** Environment of every tool and terraform run: this moto, this dist folder, this bootstrap state. */
  get env(): Record<string, string> {
    return {
      ...this.aws.env,
      CANARYFLEET_DIST: this.workDir,
      CANARYFLEET_BOOTSTRAP_STATE_DIR: path.join(this.workDir, 'bootstrap-state'),
      TSX_TSCONFIG_PATH: 'tsconfig.base.json',
    };
  }

  /** Directory of a synthesized stack. */
  stackDir(app: 'local' | 'bootstrap', stack: string): string {
    return path.join(this.workDir, 'cdktf', app, 'stacks', stack);
  }

  /** Synthesizes an app into this run's dist folder, as its nx `synth` target does. */
  synth(app: 'local' | 'bootstrap'): void {
    synthApp(WORKSPACE_ROOT, app, path.join(this.workDir, 'cdktf', app), this.env);
  }

  /** Runs a tool as its nx target does (`node --import tsx tools/<script> ...args`); never throws on exit codes. */
  tool(script: string, args: readonly string[]): Promise<ToolResult> {
    return this.run('node', ['--import', 'tsx', path.join('tools', script), ...args], this.env);
  }

  /**
   * Runs the cdktf CLI on the local app as a user does after `source .local/aws-env.sh`: a shell sources
   * this moto's env file and runs `npx cdktf ...args` in the workspace, so the app command comes from the
   * root cdktf.json. Never throws on exit codes.
   */
  cdktf(args: readonly string[]): Promise<ToolResult> {
    const envFile = path.join(this.workDir, 'aws-env.sh');
    writeAwsEnvFile(localShellEnv(this.aws.endpoint), envFile);
    return this.run('bash', ['-c', 'source "$0" && exec npx cdktf "$@"', envFile, ...args], {
      CANARYFLEET_APP: 'local',
      // The CLI's --output, read from the environment: this run's dist folder, never the developer's.
      CDKTF_OUTPUT: path.join(this.workDir, 'cdktf-cli'),
      // Nothing outside the work folder: the CLI would otherwise keep a provider cache in ~/.terraform.d.
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true',
      FORCE_COLOR: '0',
    });
  }

  private run(command: string, args: readonly string[], env: Record<string, string>): Promise<ToolResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, [...args], { cwd: WORKSPACE_ROOT, env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
  }

  /** Like `tool`, but a non-zero exit is an error carrying the tool's output. */
  async mustRun(script: string, args: readonly string[]): Promise<ToolResult> {
    const result = await this.tool(script, args);
    if (result.code !== 0) throw new Error(`tools/${script} ${args.join(' ')} exited ${result.code}:\n${result.stderr || result.stdout}`);
    return result;
  }

  terraform(dir: string, args: readonly string[], okCodes: readonly number[] = []): Promise<TerraformResult> {
    return runTerraform(args, { cwd: dir, env: this.env, okCodes });
  }

  /** Creates the state bucket on this moto: `nx run local:bootstrap`. */
  async bootstrap(): Promise<void> {
    this.synth('bootstrap');
    await this.mustRun('terraform/deploy.ts', ['bootstrap', '--stack', 'state-local', '--fresh']);
  }

  /** Synthesizes the environment and initializes its stack against the S3 backend on moto. */
  async initEnvironment(): Promise<string> {
    this.synth('local');
    const dir = this.stackDir('local', 'inference');
    await initStack('local', { name: 'inference', dir }, this.env);
    return dir;
  }

  /** Whether the local stack is deployed: its state lists resources (a fresh backend has no state at all). */
  async isDeployed(): Promise<boolean> {
    const dir = await this.initEnvironment();
    const state = (await this.terraform(dir, ['state', 'pull'])).stdout.trim();
    return state !== '' && ((JSON.parse(state) as { resources?: unknown[] }).resources ?? []).length > 0;
  }

  /**
   * Deploys the environment through the project's tools unless it already is, and writes the outputs
   * file: what every test of the shared deployment starts from, whatever order it runs in.
   */
  async ensureDeployed(): Promise<LocalOutputs> {
    if (!existsSync(this.stackDir('bootstrap', 'state-local'))) {
      await deployLocal({ aws: this.aws, synth: (app) => this.synth(app), localStackDir: this.stackDir('local', 'inference'), run: (script, args) => this.mustRun(script, args) });
    } else if (!(await this.isDeployed())) {
      await this.mustRun('terraform/deploy.ts', ['local', '--fresh']);
    }
    await this.mustRun('terraform/outputs.ts', ['local']);
    return this.outputs();
  }

  /** The outputs file `nx run local:outputs` wrote (what the operator reads). */
  outputs(): LocalOutputs {
    return (JSON.parse(readFileSync(path.join(this.workDir, 'outputs', 'local.json'), 'utf8')) as { outputs: LocalOutputs }).outputs;
  }

  async stop(): Promise<void> {
    if (!this.owned) return;
    await this.aws.stop();
    rmSync(this.workDir, { recursive: true, force: true });
  }
}

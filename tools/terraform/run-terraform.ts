import { spawn } from 'node:child_process';
import { writeCliConfig } from './cli-config';

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TerraformOptions {
  readonly cwd: string;
  /** Extra environment, e.g. the local AWS endpoint. */
  readonly env?: Record<string, string>;
  /** Exit codes that are not failures (plan -detailed-exitcode returns 2 for "changes"). */
  readonly okCodes?: readonly number[];
  /** Stream output to this process's stderr while running. */
  readonly echo?: boolean;
}

let cliConfig: string | undefined;

/** The environment every terraform run of this project gets: our CLI config, no prompts, no checkpoint calls. */
export function terraformEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  cliConfig ??= writeCliConfig();
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    ...extra,
  };
}

export class TerraformError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: TerraformResult,
    cwd: string,
  ) {
    super(`terraform ${args.join(' ')} failed in ${cwd} (exit ${result.code}):\n${result.stderr || result.stdout}`);
    this.name = 'TerraformError';
  }
}

export function runTerraform(args: readonly string[], options: TerraformOptions): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', [...args], { cwd: options.cwd, env: terraformEnv(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { code: code ?? 1, stdout, stderr };
      if (result.code === 0 || options.okCodes?.includes(result.code)) resolve(result);
      else reject(new TerraformError(args, result, options.cwd));
    });
  });
}

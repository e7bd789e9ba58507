import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT } from '../workspace-root';

/** Where `nx run local:aws-up` records the moto it started, for the other local targets. */
export const MOTO_STATE_FILE = path.join(WORKSPACE_ROOT, '.local', 'moto.json');

export interface MotoState {
  readonly endpoint: string;
  readonly pid: number;
}

/** Shell exports that point terraform, the AWS CLI and the SDK at the running moto: `source .local/aws-env.sh`. */
export const AWS_ENV_FILE = path.join(WORKSPACE_ROOT, '.local', 'aws-env.sh');

export function readMotoState(): MotoState | undefined {
  if (!existsSync(MOTO_STATE_FILE)) return undefined;
  return JSON.parse(readFileSync(MOTO_STATE_FILE, 'utf8')) as MotoState;
}

export function writeMotoState(state: MotoState): void {
  mkdirSync(path.dirname(MOTO_STATE_FILE), { recursive: true });
  writeFileSync(MOTO_STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
}

/** `export KEY='value'` lines a shell can source (single-quoted: paths may hold spaces). */
export function renderShellExports(env: Record<string, string>): string {
  return Object.entries(env).map(([key, value]) => `export ${key}='${value.replaceAll("'", `'\\''`)}'\n`).join('');
}

export function writeAwsEnvFile(env: Record<string, string>, file: string = AWS_ENV_FILE): void {
  writeFileSync(file, renderShellExports(env));
}

export function clearMotoState(): void {
  rmSync(MOTO_STATE_FILE, { force: true });
  rmSync(AWS_ENV_FILE, { force: true });
}

/** Whether a process recorded in a state file still runs. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

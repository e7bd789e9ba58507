import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT } from '@canaryfleet/tools';

/** Where `local:up` records the running data plane, beside .local/moto.json. */
export const DATA_PLANE_STATE_FILE = path.join(WORKSPACE_ROOT, '.local', 'data-plane.json');
/** The running data plane's log (server starts, registrations, health changes). */
export const DATA_PLANE_LOG_FILE = path.join(WORKSPACE_ROOT, '.local', 'data-plane.log');

export interface DataPlaneState {
  readonly pid: number;
  /** The ALB stand-in's listener: where clients send requests. */
  readonly url: string;
  readonly endpoint: string;
  readonly startedAt: string;
}

export function readDataPlaneState(): DataPlaneState | undefined {
  return existsSync(DATA_PLANE_STATE_FILE) ? (JSON.parse(readFileSync(DATA_PLANE_STATE_FILE, 'utf8')) as DataPlaneState) : undefined;
}

export function writeDataPlaneState(state: DataPlaneState): void {
  mkdirSync(path.dirname(DATA_PLANE_STATE_FILE), { recursive: true });
  writeFileSync(DATA_PLANE_STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
}

export function clearDataPlaneState(): void {
  rmSync(DATA_PLANE_STATE_FILE, { force: true });
}


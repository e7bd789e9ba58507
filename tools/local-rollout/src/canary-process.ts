import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { RolloutEvent } from '@canaryfleet/rollout';
import { WORKSPACE_ROOT } from '@canaryfleet/tools';

/** The workspace's `canary` bin, exactly what `npx canary` runs. */
const CANARY_BIN = path.join(WORKSPACE_ROOT, 'apps', 'canary', 'bin', 'canary.js');

export interface CanaryExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One `canary` process with `--json`: its events as they arrive, its other output, its exit. */
export interface CanaryProcess {
  readonly pid: number;
  /** Every `{"type":"event"}` line so far, in order. */
  readonly events: readonly RolloutEvent[];
  /** Every other JSON line (`status`, `plan`) so far. */
  readonly documents: readonly Record<string, unknown>[];
  /** stderr so far (errors, adoption notes). */
  stderr(): string;
  readonly exited: Promise<CanaryExit>;
  /** Resolves with the first event (from the start) that matches; rejects if the process exits first or the guard passes. */
  waitFor(match: string | ((event: RolloutEvent) => boolean), guardMs?: number): Promise<RolloutEvent>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Runs the real CLI as a child process (`node apps/canary/bin/canary.js ...args --json`) with the given
 * environment (a moto endpoint and dist folder for the local environment).
 */
export function runCanary(args: readonly string[], env: Readonly<Record<string, string>>): CanaryProcess {
  const child = spawn(process.execPath, [CANARY_BIN, ...args, '--json'], { cwd: WORKSPACE_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: RolloutEvent[] = [];
  const documents: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const document = JSON.parse(line) as Record<string, unknown>;
    if (document.type === 'event') events.push(document as unknown as RolloutEvent);
    else documents.push(document);
    for (const wake of waiters) wake();
  });
  const exited = new Promise<CanaryExit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  let done: CanaryExit | undefined;
  void exited.then((exit) => {
    done = exit;
    for (const wake of waiters) wake();
  });

  return {
    pid: child.pid ?? -1,
    events,
    documents,
    stderr: () => stderr,
    exited,
    kill: (signal = 'SIGTERM') => void child.kill(signal),
    waitFor(match, guardMs = 300_000) {
      const matches = typeof match === 'string' ? (event: RolloutEvent) => event.reason === match : match;
      return new Promise<RolloutEvent>((resolve, reject) => {
        const check = () => {
          const found = events.find(matches);
          if (found) return finish(() => resolve(found));
          if (done) return finish(() => reject(new Error(`canary ${args.join(' ')} exited (${JSON.stringify(done)}) before ${String(match)}; last events: ${lastReasons(events)}; stderr: ${stderr.slice(-2000)}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no ${String(match)} within ${guardMs} ms from canary ${args.join(' ')}; last events: ${lastReasons(events)}; stderr: ${stderr.slice(-2000)}`))), guardMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

function lastReasons(events: readonly RolloutEvent[]): string {
  return events.slice(-12).map((e) => `${e.reason}@${e.step}`).join(', ') || '(none)';
}

/** Runs the CLI on this terminal (its live view, or one line per event without one); resolves with its exit code. */
export function runCanaryAttached(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<number> {
  const child = spawn(process.execPath, [CANARY_BIN, ...args], { cwd: WORKSPACE_ROOT, env: { ...process.env, ...env }, stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

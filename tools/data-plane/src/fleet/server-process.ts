import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Route } from '@canaryfleet/fleet-metrics';
import { WORKSPACE_ROOT } from '@canaryfleet/tools';
import { SERVER_CONFIG_VARIABLE, type ServerConfig, type ServerMessage, type SupervisorMessage } from '../server/server-messages';

const SERVER_MAIN = path.join(__dirname, '..', 'server', 'main.ts');

export interface ServerProcessEvents {
  readonly onLoaded: () => void;
  readonly onMessage: (message: ServerMessage) => void;
  /** The process ended; `expected` when the supervisor stopped it. `output` is its last stderr. */
  readonly onExit: (code: number | null, expected: boolean, output: string) => void;
}

/** One inference-server stand-in process (src/server/main.ts), as the supervisor sees it. */
export class ServerProcess {
  ports?: Readonly<Record<Route, number>>;
  modelVersion?: string;
  /** The model loaded (it stays true if the process dies later). */
  loaded = false;
  exited = false;
  private stopping = false;
  private stderr = '';
  private readonly child: ChildProcess;
  private readonly exit: Promise<void>;

  constructor(
    readonly config: ServerConfig,
    events: ServerProcessEvents,
  ) {
    this.child = fork(SERVER_MAIN, [], {
      cwd: WORKSPACE_ROOT,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, TSX_TSCONFIG_PATH: path.join(WORKSPACE_ROOT, 'tsconfig.base.json'), [SERVER_CONFIG_VARIABLE]: JSON.stringify(config) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-2000)));
    this.child.on('message', (message: ServerMessage) => {
      if (message.type === 'listening') {
        this.ports = message.ports;
        this.modelVersion = message.modelVersion;
      }
      if (message.type === 'loaded') {
        this.loaded = true;
        events.onLoaded();
      }
      events.onMessage(message);
    });
    this.exit = new Promise((resolve) => {
      this.child.once('exit', (code) => {
        this.exited = true;
        events.onExit(code, this.stopping, this.stderr.trim());
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Asks the server to finish its requests and publish its last period, then waits for it to end. */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.stopping = true;
    if (this.child.connected) this.child.send({ type: 'stop' } satisfies SupervisorMessage);
    else this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exit;
    clearTimeout(killer);
  }
}

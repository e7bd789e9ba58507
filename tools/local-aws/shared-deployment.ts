import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireIntegrationTools } from './integration-guard';
import { LocalEnvironment } from './local-environment';
import { localAwsEnv, startMoto, type LocalAws } from './moto';

// One local deployment for every integration test of apps/local (moto's ALB alone takes ~60 s to
// create): a jest globalSetup starts moto and a work folder, the test files attach to it in a fixed
// order (tools/jest/ordered-sequencer.js), and the first that needs the stack deploys it.

const HANDLE_VARIABLE = 'CANARYFLEET_SHARED_LOCAL';

interface Handle {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  readonly workDir: string;
}

// jest loads globalSetup and globalTeardown as separate modules of one process: keep the handle global.
const shared = globalThis as { canaryfleetSharedLocal?: { moto: LocalAws; workDir: string } };

/** jest globalSetup: starts the suite's moto; without terraform or moto (off CI) attaching tests skip. */
export async function startSharedDeployment(): Promise<void> {
  if (!requireIntegrationTools('local environment integration')) return;
  const moto = await startMoto();
  const workDir = mkdtempSync(path.join(tmpdir(), 'canaryfleet-shared-local-'));
  const handleFile = path.join(workDir, 'handle.json');
  writeFileSync(handleFile, JSON.stringify({ endpoint: moto.endpoint, port: moto.port, pid: moto.pid, workDir } satisfies Handle));
  // Test files run after global setup, in processes that inherit this environment.
  process.env[HANDLE_VARIABLE] = handleFile;
  shared.canaryfleetSharedLocal = { moto, workDir };
}

/** jest globalTeardown. */
export async function stopSharedDeployment(): Promise<void> {
  const running = shared.canaryfleetSharedLocal;
  if (!running) return;
  await running.moto.stop();
  rmSync(running.workDir, { recursive: true, force: true });
  shared.canaryfleetSharedLocal = undefined;
}

/** The suite's shared local environment; undefined when the integration tools are missing (off CI). */
export function attachSharedDeployment(): LocalEnvironment | undefined {
  const handleFile = process.env[HANDLE_VARIABLE];
  if (!handleFile) {
    if (process.env.CI === 'true') throw new Error(`${HANDLE_VARIABLE} is not set: run the suite through apps/local/jest.config.js, whose globalSetup starts the shared deployment`);
    return undefined;
  }
  const handle = JSON.parse(readFileSync(handleFile, 'utf8')) as Handle;
  const aws: LocalAws = { endpoint: handle.endpoint, port: handle.port, pid: handle.pid, env: localAwsEnv(handle.endpoint), stop: async () => undefined };
  return LocalEnvironment.attach({ aws, workDir: handle.workDir });
}

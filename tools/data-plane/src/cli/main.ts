// nx targets `local:up` (its last step), `local:load`, `local:down` (its first step): the local data
// plane of the deployed `local` environment, on the moto that `local:aws-up` started.
//   serve   run the data plane in the foreground (what `up` starts in the background)
//   up      seed model artifacts, start the data plane unless it runs, wait until it serves, run load
//   load    run client load against the running data plane, with a live summary
//   down    stop the data plane
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { distRoot, processAlive, readMotoState, runMain, WORKSPACE_ROOT } from '@canaryfleet/tools';
import { awsClients } from '../aws-clients';
import { startDataPlane } from '../data-plane';
import { readEnvironmentOutputs, type EnvironmentOutputs } from '../environment-outputs';
import { runLoad } from '../load/load-generator';
import { formatLoadSummary } from '../load/load-summary';
import { seedModelArtifacts } from '../model-artifacts';
import { clearDataPlaneState, DATA_PLANE_LOG_FILE, readDataPlaneState, writeDataPlaneState, type DataPlaneState } from './data-plane-state';

const ENVIRONMENT = 'local';

function motoEndpoint(): string {
  const moto = readMotoState();
  if (!moto || !processAlive(moto.pid)) throw new Error('the local AWS is not running; start it with `npx nx run local:aws-up` (or `npx nx run local:up`)');
  return moto.endpoint;
}

function outputs(): EnvironmentOutputs {
  return readEnvironmentOutputs(path.join(distRoot(), 'outputs', `${ENVIRONMENT}.json`));
}

function running(): DataPlaneState | undefined {
  const state = readDataPlaneState();
  return state && processAlive(state.pid) ? state : undefined;
}

function number(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${flag} = ${JSON.stringify(value)}: must be a positive number`);
  return parsed;
}

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'alb-port': { type: 'string' }, 'alb-period': { type: 'string' }, 'fleet-period': { type: 'string' }, 'model-load-seconds': { type: 'string' } } });
  const endpoint = motoEndpoint();
  const environmentOutputs = outputs();
  const plane = await startDataPlane({
    endpoint,
    outputs: environmentOutputs,
    albPort: values['alb-port'] === undefined ? undefined : number('alb-port', values['alb-port'], 0),
    albMetricsPeriodSeconds: number('alb-period', values['alb-period'], environmentOutputs.alb_metrics_period_seconds),
    fleetMetricsPeriodSeconds: number('fleet-period', values['fleet-period'], environmentOutputs.fleet_metrics.periodSeconds),
    modelLoadSeconds: number('model-load-seconds', values['model-load-seconds'], 3),
    log,
  });
  writeDataPlaneState({ pid: process.pid, url: plane.url, endpoint, startedAt: new Date().toISOString() });
  const stop = async () => {
    log('stopping: listener first, then every server (each publishes its last period)');
    await plane.stop();
    clearDataPlaneState();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

/** Starts `serve` in the background (output in .local/data-plane.log) and waits until it records its URL. */
async function startInBackground(): Promise<DataPlaneState> {
  const logFile = openSync(DATA_PLANE_LOG_FILE, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, 'serve'], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(WORKSPACE_ROOT, 'tsconfig.base.json') },
    detached: true,
    stdio: ['ignore', logFile, logFile],
  });
  child.unref();
  closeSync(logFile);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = running();
    if (state && state.pid === child.pid) return state;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the data plane did not start; see ${DATA_PLANE_LOG_FILE}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Sends completions until one is served by a fleet (a hang guard bounds it). */
async function waitUntilServing(url: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt":"ready?"}' });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the data plane at ${url} served no request within 180 s; see ${DATA_PLANE_LOG_FILE}`);
}

const loadOptions = {
  duration: { type: 'string' },
  clients: { type: 'string' },
  rps: { type: 'string' },
  'max-requests': { type: 'string' },
  'header-share': { type: 'string' },
  'header-source': { type: 'string' },
} as const;

async function load(args: string[], defaultDuration = 60): Promise<void> {
  const { values } = parseArgs({ args, options: loadOptions });
  const state = running();
  if (!state) throw new Error('the data plane is not running; start it with `npx nx run local:up`');
  const policy = outputs().routing_policy;
  const headerShare = values['header-share'] === undefined ? 0.05 : Number(values['header-share']);
  process.stdout.write(`load on ${state.url}: live summary every 5 s\n`);
  const summary = await runLoad({
    url: state.url,
    durationSeconds: number('duration', values.duration, defaultDuration),
    clients: number('clients', values.clients, 50),
    requestsPerSecond: number('rps', values.rps, 100),
    maxRequests: values['max-requests'] === undefined ? undefined : number('max-requests', values['max-requests'], 1),
    headerShare,
    header: { name: policy.header.name, values: [policy.header.canaryValue, 'never'] },
    headerSourceAddress: values['header-source'],
    onSummary: (s) => process.stdout.write(formatLoadSummary(s)),
  });
  process.stdout.write(`final:\n${formatLoadSummary(summary)}`);
}

async function up(args: string[]): Promise<void> {
  const started = Date.now();
  const endpoint = motoEndpoint();
  const environmentOutputs = outputs();
  const aws = awsClients(endpoint);
  try {
    const keys = await seedModelArtifacts(aws.s3, environmentOutputs.release_defaults.modelArtifactUri);
    process.stdout.write(`model artifacts of ${keys.length} catalog versions under ${environmentOutputs.release_defaults.modelArtifactUri}\n`);
  } finally {
    aws.destroy();
  }
  const state = running() ?? (await startInBackground());
  await waitUntilServing(state.url);
  process.stdout.write(`data plane serving at ${state.url} (pid ${state.pid}, log ${DATA_PLANE_LOG_FILE}), ${((Date.now() - started) / 1000).toFixed(1)} s after this step started\n`);
  await load(args, 20);
  process.stdout.write(`the data plane keeps running: \`npx nx run local:load\` for more load, \`npx nx run local:down\` to stop everything\n`);
}

async function down(): Promise<void> {
  const state = running();
  if (!state) {
    clearDataPlaneState();
    process.stdout.write('the data plane was not running\n');
    return;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (processAlive(state.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (processAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
  clearDataPlaneState();
  process.stdout.write(`stopped the data plane at ${state.url}\n`);
}

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (args: string[]) => Promise<void>> = { serve, up, load: (args) => load(args), down };
const run = command ? commands[command] : undefined;
if (!run) {
  process.stderr.write(`usage: data-plane <serve|up|load|down> [options]; got ${JSON.stringify(command ?? null)}\n`);
  process.exit(1);
}
runMain(() => run(rest));

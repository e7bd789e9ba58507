// `npm run bench:data-plane`: (1) the requests per second the local data plane sustains on this machine
// (ALB stand-in, inference-server stand-ins and the load generator all on the same cores; plain moto,
// two blue servers of tiny-llm-v1), at rising offered rates and at saturation (clients without think
// time); (2) the time from nothing to serving requests on a fresh moto, through the same steps as
// `nx run local:up` (moto, state bucket, deploy, outputs, model artifacts, data plane).
// Writes bench/results/data-plane.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { LocalEnvironment, runMain, WORKSPACE_ROOT } from '@canaryfleet/tools';
import { awsClients } from '../src/aws-clients';
import { startDataPlane } from '../src/data-plane';
import { parseEnvironmentOutputs } from '../src/environment-outputs';
import { runLoad } from '../src/load/load-generator';
import { seedModelArtifacts } from '../src/model-artifacts';
import { FleetFixture } from '../test/fleet-fixture';

const OFFERED = (process.env.BENCH_OFFERED ?? '250,500,1000,2000').split(',').map(Number);
/** An offered rate no client can keep up with: every client sends back to back. */
const SATURATION = 1_000_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);

async function firstServed(url: string): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function throughput() {
  const fixture = await FleetFixture.start();
  await fixture.scale('blue', 2);
  const startedAt = Date.now();
  // The default model load time (3 s), as `local:up` starts it.
  const plane = await startDataPlane({ endpoint: fixture.elb.moto.endpoint, outputs: fixture.outputs });
  try {
    await firstServed(plane.url);
    const startToFirstRequest = Math.round((Date.now() - startedAt) / 100) / 10;
    process.stdout.write(`data plane start to first served request: ${startToFirstRequest} s\n`);
    while (plane.fleets.servers().filter((s) => s.loaded).length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    const levels = [];
    for (const offered of [...OFFERED, SATURATION]) {
      // Near-uniform rates (large Pareto shape): the offered rate is what each client can keep up with.
      const summary = await runLoad({ url: plane.url, clients: 400, requestsPerSecond: offered, durationSeconds: SECONDS, headerShare: 0, paretoShape: 50 });
      const served = summary.rows.find((r) => r.fleet === 'blue');
      // Model errors (tiny-llm-v1 fails 1 %) are the servers'; load-balancer errors mean the stand-in fell behind.
      const loadBalancerErrors = summary.rows.filter((r) => r.fleet === '(load balancer)').reduce((sum, r) => sum + r.requests, 0);
      const level = { offered_rps: offered === SATURATION ? 'saturation' : offered, achieved_rps: Math.round(summary.requestsPerSecond), model_errors: served?.errors ?? 0, load_balancer_errors: loadBalancerErrors, p50_ms: served?.p50Ms, p99_ms: served?.p99Ms };
      levels.push(level);
      process.stdout.write(`${JSON.stringify(level)}\n`);
    }
    return { levels, startToFirstRequest };
  } finally {
    await plane.stop();
    await fixture.stop();
  }
}

async function localUp() {
  const t0 = Date.now();
  const local = await LocalEnvironment.start();
  const seconds = (from: number) => Math.round((Date.now() - from) / 100) / 10;
  try {
    const moto = seconds(t0);
    const t1 = Date.now();
    const raw = await local.ensureDeployed();
    const deploy = seconds(t1);
    const t2 = Date.now();
    const outputs = parseEnvironmentOutputs(raw, 'outputs of the benchmark deployment');
    const aws = awsClients(local.aws.endpoint);
    await seedModelArtifacts(aws.s3, outputs.release_defaults.modelArtifactUri);
    aws.destroy();
    const plane = await startDataPlane({ endpoint: local.aws.endpoint, outputs });
    await firstServed(plane.url);
    const dataPlane = seconds(t2);
    await plane.stop();
    return { moto_s: moto, bootstrap_deploy_outputs_s: deploy, data_plane_to_first_request_s: dataPlane, total_s: seconds(t0) };
  } finally {
    await local.stop();
  }
}

async function main(): Promise<void> {
  const { levels, startToFirstRequest } = await throughput();
  const saturation = levels.find((l) => l.offered_rps === 'saturation');
  const sustained = saturation && saturation.load_balancer_errors === 0 ? saturation.achieved_rps : 0;
  let up: Record<string, number | string>;
  try {
    up = await localUp();
  } catch (error) {
    up = { error: (error as Error).message };
  }
  process.stdout.write(`local:up to serving: ${JSON.stringify(up)}\n`);
  const result = { date: new Date().toISOString(), cpus: cpus().length, load_average_at_start: loadavg()[0], node: process.version, throughput: levels, sustained_rps: sustained, data_plane_start_to_first_request_s: startToFirstRequest, local_up: up };
  const file = path.join(WORKSPACE_ROOT, 'bench', 'results', 'data-plane.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${file}\n`);
  if ('error' in up) throw new Error(`local:up to serving could not be measured: ${up.error}`);
}

runMain(main);

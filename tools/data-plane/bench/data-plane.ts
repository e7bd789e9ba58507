// `npm run bench:data-plane`: (1) the requests per second the local data plane sustains on this machine
// (ALB stand-in, inference-server stand-ins and the load generator all on the same cores; plain moto,
// two healthy blue servers), at rising offered rates; (2) the time from nothing to serving requests on a
// fresh moto, through the same steps as `nx run local:up` (moto, state bucket, deploy, outputs, model
// artifacts, data plane). Writes bench/results/data-plane.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { LocalEnvironment, runMain, WORKSPACE_ROOT } from '@canaryfleet/tools';
import { awsClients } from '../src/aws-clients';
import { startDataPlane } from '../src/data-plane';
import { parseEnvironmentOutputs } from '../src/environment-outputs';
import { runLoad } from '../src/load/load-generator';
import { seedModelArtifacts } from '../src/model-artifacts';
import { FleetFixture } from '../test/fleet-fixture';

const OFFERED = (process.env.BENCH_OFFERED ?? '250,500,1000,2000,4000').split(',').map(Number);
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
  const plane = await startDataPlane({ endpoint: fixture.elb.moto.endpoint, outputs: fixture.outputs, modelLoadSeconds: 1 });
  try {
    await firstServed(plane.url);
    while (plane.fleets.servers().filter((s) => s.loaded).length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    const levels = [];
    for (const offered of OFFERED) {
      const summary = await runLoad({ url: plane.url, clients: 400, requestsPerSecond: offered, durationSeconds: SECONDS, headerShare: 0 });
      const [row] = summary.rows;
      levels.push({ offered_rps: offered, achieved_rps: Math.round(summary.requestsPerSecond), errors: summary.errors, p50_ms: row?.p50Ms, p99_ms: row?.p99Ms });
      process.stdout.write(`offered ${offered}/s: ${summary.requestsPerSecond.toFixed(0)}/s, ${summary.errors} errors, p50 ${row?.p50Ms} ms, p99 ${row?.p99Ms} ms\n`);
    }
    return levels;
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
  const levels = await throughput();
  const sustained = Math.max(...levels.filter((l) => l.errors === 0 && l.achieved_rps >= 0.9 * l.offered_rps).map((l) => l.achieved_rps), 0);
  const up = await localUp();
  process.stdout.write(`local:up to serving: ${up.total_s} s (${JSON.stringify(up)})\n`);
  const result = { date: new Date().toISOString(), cpus: cpus().length, node: process.version, throughput: levels, sustained_rps: sustained, local_up: up };
  const file = path.join(WORKSPACE_ROOT, 'bench', 'results', 'data-plane.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${file}\n`);
}

runMain(main);

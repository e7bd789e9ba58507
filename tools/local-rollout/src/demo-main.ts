// `npx nx run local:demo [-- --model tiny-llm-v2-errors]`: one whole rollout on the running local
// environment (`npx nx run local:up` first): sticky client load on the data plane, `canary start` with the
// local schedule on this terminal, then `canary report`; ends by printing the report's path.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatLoadSummary, MODEL_CATALOG, modelBehaviour, readDataPlaneState, readEnvironmentOutputs } from '@canaryfleet/data-plane';
import { distRoot, processAlive, runMain } from '@canaryfleet/tools';
import { startBackgroundLoad } from './background-load';
import { runCanaryAttached } from './canary-process';
import { LOCAL_LOAD, LOCAL_ROLLOUT_OPTIONS, LOCAL_STEPS } from './local-rollout-options';

const EXIT_ROLLED_BACK = 4;

async function demo(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string', default: 'tiny-llm-v2' } } });
  const model = values.model;
  const behaviour = modelBehaviour(model);
  const plane = readDataPlaneState();
  if (!plane || !processAlive(plane.pid)) throw new Error('the local data plane is not running: start the local environment with `npx nx run local:up` first');
  const outputs = readEnvironmentOutputs(path.join(distRoot(), 'outputs', 'local.json'));
  process.stdout.write(`rolling out ${model} (${behaviour.description}) on ${plane.url} under ${LOCAL_LOAD.requestsPerSecond} requests/s from ${LOCAL_LOAD.clients} sticky clients\n`);
  process.stdout.write(`other versions of the local model catalog: ${Object.keys(MODEL_CATALOG).join(', ')}\n\n`);

  const started = Date.now();
  const load = startBackgroundLoad(plane.url, outputs.routing_policy, LOCAL_LOAD);
  let code: number;
  try {
    code = await runCanaryAttached(['start', 'local', '--model', model, '--steps', LOCAL_STEPS, ...LOCAL_ROLLOUT_OPTIONS]);
  } finally {
    process.stdout.write(`\nclient load during the rollout:\n${formatLoadSummary(await load.stop())}`);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  if (code !== 0 && code !== EXIT_ROLLED_BACK) throw new Error(`canary start exited with ${code} after ${seconds} s; \`npx canary status local\` says where the rollout is`);

  const reports = path.join(distRoot(), 'reports');
  mkdirSync(reports, { recursive: true });
  const report = path.join(reports, `local-${new Date().toISOString().replace(/[:.]/g, '-')}.html`);
  const reportCode = await runCanaryAttached(['report', 'local', '--out', report]);
  if (reportCode !== 0) throw new Error(`canary report exited with ${reportCode}`);
  process.stdout.write(`\n${model} was ${code === 0 ? 'promoted' : 'rolled back'} in ${seconds} s. Report: ${report}\n`);
}

runMain(demo);

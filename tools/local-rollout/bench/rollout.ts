// `npm run bench:rollout`: rollouts by the real `canary` CLI on a fresh local deployment (its own moto,
// the data plane in this process, sticky client load), with the options `local:demo` uses:
//   promotion  tiny-llm-v2 (healthy)          rollback  tiny-llm-v2-errors (5x errors)
//   crash      tiny-llm-v2-crash (connection refused on its first request)
// Per scenario: the wall time from `canary start` to its exit (what `local:demo` takes), the time from
// each traffic decision to the listener read back equal (TrafficVerified, `secondsFromDecision`), and the
// AWS API calls per controller tick, counted by a proxy between the CLI and moto (a tick's observation
// is the only DescribeAlarms call). Writes bench/results/rollout.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseEnvironmentOutputs } from '@canaryfleet/data-plane';
import { LocalEnvironment, runMain, WORKSPACE_ROOT } from '@canaryfleet/tools';
import { ApiCallCounter } from '../src/api-call-counter';
import { runCanary } from '../src/canary-process';
import { LOCAL_LOAD, LOCAL_ROLLOUT_OPTIONS, LOCAL_STEPS } from '../src/local-rollout-options';
import { startRolloutStage } from '../src/rollout-stage';

const SCENARIOS = [
  { name: 'promotion', model: 'tiny-llm-v2' },
  { name: 'rollback', model: 'tiny-llm-v2-errors' },
  { name: 'crash', model: 'tiny-llm-v2-crash' },
] as const;

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function bench(): Promise<void> {
  const started = Date.now();
  const local = await LocalEnvironment.start();
  const results = [];
  try {
    const raw = await local.ensureDeployed();
    const deploySeconds = round((Date.now() - started) / 1000);
    process.stdout.write(`local deployment ready in ${deploySeconds} s\n`);
    const stage = await startRolloutStage(local.aws.endpoint, parseEnvironmentOutputs(raw, 'outputs of the benchmark deployment'));
    const counter = await ApiCallCounter.start(local.aws.endpoint);
    try {
      for (const scenario of SCENARIOS) {
        counter.reset();
        const t0 = Date.now();
        const run = runCanary(['start', 'local', '--model', scenario.model, '--steps', LOCAL_STEPS, ...LOCAL_ROLLOUT_OPTIONS], { ...local.env, AWS_ENDPOINT_URL: counter.endpoint, AWS_ENDPOINT_URL_S3: counter.endpoint });
        const exit = await run.exited;
        const wallSeconds = round((Date.now() - t0) / 1000);
        const outcome = run.events.some((e) => e.reason === 'Promoted') ? 'promoted' : run.events.some((e) => e.reason === 'RolledBack') ? 'rolled back' : `exit ${JSON.stringify(exit)}`;
        const verified = run.events
          .filter((e) => e.reason === 'TrafficVerified')
          .map((e) => Number(e.data?.secondsFromDecision))
          .filter(Number.isFinite)
          .sort((a, b) => a - b);
        const calls = counter.snapshot();
        const ticks = Object.entries(calls).find(([name]) => name.endsWith('.DescribeAlarms'))?.[1] ?? 0;
        const total = Object.values(calls).reduce((a, b) => a + b, 0);
        const result = {
          scenario: scenario.name,
          model: scenario.model,
          outcome,
          exit_code: exit.code,
          wall_seconds: wallSeconds,
          traffic_moves: verified.length,
          decision_to_listener_verified_seconds: { median: quantile(verified, 0.5), p90: quantile(verified, 0.9), max: verified.at(-1) ?? null },
          ticks,
          api_calls: total,
          api_calls_per_tick: ticks > 0 ? round(total / ticks, 2) : null,
          api_calls_by_action: calls,
          events: run.events.map((e) => e.reason).filter((reason) => !['IntervalJudged'].includes(reason)),
        };
        results.push(result);
        process.stdout.write(`${JSON.stringify({ ...result, api_calls_by_action: undefined, events: undefined })}\n`);
        if (exit.code !== 0 && exit.code !== 4) throw new Error(`canary start for ${scenario.name} exited ${JSON.stringify(exit)}: ${run.stderr().slice(-2000)}`);
      }
    } finally {
      await counter.stop();
      await stage.stop();
    }
  } finally {
    await local.stop();
  }
  const report = {
    generated_at: new Date().toISOString(),
    machine: { cpus: cpus().length, load_average_at_end: loadavg().map((l) => round(l, 2)) },
    options: { steps: LOCAL_STEPS, canary_start: LOCAL_ROLLOUT_OPTIONS.join(' '), load: LOCAL_LOAD },
    targets: { decision_to_listener_verified_median_seconds: 5, demo_wall_seconds: 300 },
    total_seconds: round((Date.now() - started) / 1000),
    scenarios: results,
  };
  const out = path.join(WORKSPACE_ROOT, 'bench', 'results', 'rollout.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(WORKSPACE_ROOT, out)}\n`);
}

runMain(bench);

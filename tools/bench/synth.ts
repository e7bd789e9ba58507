// `npm run bench:synth`: cold synth (nx cache off) of each environment and of all of them, wall seconds
// and peak RSS of the whole process tree, median of N runs; plus a cache hit. Writes bench/results/synth.json.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENTS } from '../cdktf/apps';
import { WORKSPACE_ROOT } from '../workspace-root';
import { treeRssBytes } from './process-tree-sampler';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Measurement {
  wall_s: number;
  peak_rss_mb: number;
}

function measure(args: string[]): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('npx', ['nx', ...args], {
      cwd: WORKSPACE_ROOT,
      stdio: 'ignore',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    });
    let peak = 0;
    const sampler = setInterval(() => {
      if (child.pid) peak = Math.max(peak, treeRssBytes(child.pid));
    }, 25);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      if (code !== 0) return reject(new Error(`nx ${args.join(' ')} exited with ${code}`));
      resolve({ wall_s: Number(process.hrtime.bigint() - started) / 1e9, peak_rss_mb: peak / 2 ** 20 });
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function medianOf(args: string[]): Promise<Measurement> {
  const runs: Measurement[] = [];
  for (let i = 0; i < RUNS; i += 1) runs.push(await measure(args));
  return { wall_s: +median(runs.map((r) => r.wall_s)).toFixed(2), peak_rss_mb: +median(runs.map((r) => r.peak_rss_mb)).toFixed(0) };
}

async function main(): Promise<void> {
  const results: Record<string, Measurement> = {};
  results.all = await medianOf(['run-many', '-t', 'synth', `--projects=${ENVIRONMENTS.join(',')}`, '--skip-nx-cache']);
  for (const env of ENVIRONMENTS) results[env] = await medianOf(['run', `${env}:synth`, '--skip-nx-cache']);
  // Warm the cache once, then time a run that only replays it.
  await measure(['run-many', '-t', 'synth', `--projects=${ENVIRONMENTS.join(',')}`]);
  results.all_cache_hit = await medianOf(['run-many', '-t', 'synth', `--projects=${ENVIRONMENTS.join(',')}`]);

  const rows = Object.entries(results).map(([name, m]) => `| ${name.padEnd(14)} | ${m.wall_s.toFixed(2).padStart(6)} | ${String(m.peak_rss_mb).padStart(11)} |`);
  process.stdout.write(
    [`synth benchmark, median of ${RUNS} runs (nx, 2 parallel tasks)`, '| target         | wall s | peak RSS MB |', '|----------------|--------|-------------|', ...rows, ''].join('\n'),
  );
  const file = path.join(WORKSPACE_ROOT, 'bench', 'results', 'synth.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});

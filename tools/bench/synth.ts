// `npm run bench:synth`: cold synth (nx cache off) of each environment and of all of them, then a cache
// hit; wall seconds and peak resident memory, median of N runs. Memory is read two ways: the synth
// processes themselves (what the stack code costs) and the whole tree including nx's own processes.
// Writes bench/results/synth.json.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENTS } from '../cdktf/apps';
import { WORKSPACE_ROOT } from '../workspace-root';
import { sampleTree } from './process-tree-sampler';
import { runMain } from '../run-main';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const NX = path.join(WORKSPACE_ROOT, 'node_modules', '.bin', 'nx');
// Every synth runs the cdktf.json app command, whose entry is this file.
const SYNTH_MARKER = 'tools/cdktf/app.ts';

interface Measurement {
  wall_s: number;
  peak_rss_mb: number;
  peak_rss_with_nx_mb: number;
}

function measure(args: string[]): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(NX, args, { cwd: WORKSPACE_ROOT, stdio: 'ignore', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' } });
    let peakSynth = 0;
    let peakTotal = 0;
    const sampler = setInterval(() => {
      if (!child.pid) return;
      const sample = sampleTree(child.pid, SYNTH_MARKER);
      peakSynth = Math.max(peakSynth, sample.markedBytes);
      peakTotal = Math.max(peakTotal, sample.totalBytes);
    }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      if (code !== 0) return reject(new Error(`nx ${args.join(' ')} exited with ${code}`));
      const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
      resolve({ wall_s: Number(process.hrtime.bigint() - started) / 1e9, peak_rss_mb: mb(peakSynth), peak_rss_with_nx_mb: mb(peakTotal) });
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function medianOf(args: string[]): Promise<Measurement> {
  const runs: Measurement[] = [];
  for (let i = 0; i < RUNS; i += 1) runs.push(await measure(args));
  return {
    wall_s: +median(runs.map((r) => r.wall_s)).toFixed(2),
    peak_rss_mb: median(runs.map((r) => r.peak_rss_mb)),
    peak_rss_with_nx_mb: median(runs.map((r) => r.peak_rss_with_nx_mb)),
  };
}

async function main(): Promise<void> {
  const all = ['run-many', '-t', 'synth', `--projects=${ENVIRONMENTS.join(',')}`];
  const results: Record<string, Measurement> = {};
  results.all = await medianOf([...all, '--skip-nx-cache']);
  for (const env of ENVIRONMENTS) results[env] = await medianOf(['run', `${env}:synth`, '--skip-nx-cache']);
  await measure(all); // warm the cache
  results.all_cache_hit = await medianOf(all);

  const rows = Object.entries(results).map(
    ([name, m]) => `| ${name.padEnd(14)} | ${m.wall_s.toFixed(2).padStart(6)} | ${String(m.peak_rss_mb).padStart(16)} | ${String(m.peak_rss_with_nx_mb).padStart(19)} |`,
  );
  process.stdout.write(
    [
      `synth benchmark: nx run-many (2 tasks in parallel), cache off unless noted, median of ${RUNS} runs`,
      '| target         | wall s | synth peak RSS MB | with nx peak RSS MB |',
      '|----------------|--------|-------------------|---------------------|',
      ...rows,
      '',
    ].join('\n'),
  );
  const file = path.join(WORKSPACE_ROOT, 'bench', 'results', 'synth.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

runMain(main);

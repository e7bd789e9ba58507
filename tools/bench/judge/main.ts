// `npm run bench:judge`: our judge against threshold (Flagger-style), naive-peeking and fixed-horizon
// baselines on the same simulated traffic: independent requests (issue 5), sticky heterogeneous clients
// and ALB minute datapoints (issue 11), the operator's default schedule, the candidates the method was
// chosen over, evaluation cost and the planner against simulation. Prints tables; writes
// bench/results/judge.json. BENCH_JUDGE_FILTER=REGEX runs only the matching scenarios and writes nothing.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRng, planPower } from '@canaryfleet/judge';
import { DEFAULT_SCHEDULE } from '@canaryfleet/rollout';
import { quantileSorted } from 'simple-statistics';
import { runMain, WORKSPACE_ROOT } from '@canaryfleet/tools';
import { toleranceMargin } from './candidates';
import { measureEvaluationCost } from './cost';
import { fixedHorizon, independent, type MethodFactory, naivePeeking, ours, threshold } from './methods';
import { minuteTicks } from './minute-data';
import { describeSchedule, runScheduleCase, SCHEDULE_CASES, type ScheduleRow } from './schedule';
import { INDEPENDENT_SCENARIOS, MINUTE_SCENARIOS, STICKY_SCENARIOS } from './scenarios';
import { badOf, oddsRatioOf, type Scenario, simulateRun, type Tick } from './traffic';

const SEED = 20261129;
const FILTER = process.env.BENCH_JUDGE_FILTER ? new RegExp(process.env.BENCH_JUDGE_FILTER) : null;

const TICK_METHODS: readonly MethodFactory[] = [
  ours(10),
  ours(60),
  ours(10, 'ours-independent', independent),
  ours(60, 'ours-independent', independent),
  threshold(),
  naivePeeking(10),
  naivePeeking(60),
  fixedHorizon(),
];
// Minute datapoints: nothing to evaluate every 10 s.
const MINUTE_METHODS: readonly MethodFactory[] = [ours(60), ours(60, 'ours-independent', independent), threshold(), naivePeeking(60), fixedHorizon()];

/** The candidates compared before choosing the method (docs/adr/0008), 60 s intervals, fewer runs. */
const CANDIDATE_METHODS: readonly MethodFactory[] = [
  ours(60, 'ours-independent (ADR 0005)', independent),
  toleranceMargin(1.5, 60),
  toleranceMargin(2, 60),
  ...[25, 50, 100, 200].map((n) => ours(60, `ours, effectiveClients ${n}`, (s) => ({ stickinessSeconds: s.stickinessSeconds ?? 300, effectiveClients: n }))),
  ours(60, 'ours, told 300 s', () => ({ stickinessSeconds: 300 })),
];
const CANDIDATE_RUNS = 300;
const CANDIDATE_SCENARIOS = ['A/A sticky 300 s', 'A/A sticky whole rollout (2 h)', '5x errors sticky 300 s', '5x errors sticky whole rollout', '2x errors'];

interface Row {
  group: string;
  name: string;
  method: string;
  interval_s: number;
  runs: number;
  median_detect_s: number | null;
  p90_detect_s: number | null;
  bad_requests_median: number;
  false_rollback_rate: number | null;
  false_promotion_rate: number | null;
  detect_rate: number | null;
  median_promote_s: number | null;
  false_rollback_rate_never_stopping: number | null;
}

function runScenario(group: string, scenario: Scenario, seed: number, methods: readonly MethodFactory[], runs = scenario.runs, toTicks = (ticks: Tick[]): Tick[] => ticks): Row[] {
  const rng = createRng(seed);
  const horizon = scenario.minutes * 60;
  const stats = methods.map(() => ({ name: '', interval: 0, rollbackAt: [] as number[], promoteAt: [] as number[], rollbackFirst: 0, rollbackEver: 0, promoteFirst: 0, bad: [] as number[] }));
  for (let r = 0; r < runs; r++) {
    const ticks = toTicks(simulateRun(scenario, rng));
    methods.forEach((factory, m) => {
      const method = factory(scenario);
      let rollbackAt = Infinity;
      let promoteAt = Infinity;
      let bad = 0;
      for (const tick of ticks) {
        if (rollbackAt === Infinity) bad += badOf(scenario, tick.canary);
        const verdict = method.observe(tick);
        if (verdict === 'rollback' && rollbackAt === Infinity) rollbackAt = tick.t;
        if (verdict === 'promote' && promoteAt === Infinity) promoteAt = tick.t;
        // Keep going after a promotion only to measure the never-stopping false-rollback rate (A/A).
        if (rollbackAt < Infinity || (promoteAt < Infinity && scenario.regression)) break;
      }
      const s = stats[m];
      s.name = method.name;
      s.interval = method.intervalSeconds;
      // A promotion ends the rollout: rollbacks after it are not "as deployed".
      const rolledBackFirst = rollbackAt < promoteAt;
      s.rollbackAt.push(rolledBackFirst ? rollbackAt : Infinity);
      s.promoteAt.push(promoteAt < rollbackAt ? promoteAt : Infinity);
      if (rolledBackFirst) s.rollbackFirst++;
      if (rollbackAt <= horizon) s.rollbackEver++;
      // Baselines promote at the end of the analysis when they have not rolled back.
      const promoted = method.name.startsWith('ours') ? promoteAt < rollbackAt : rollbackAt === Infinity;
      if (promoted) s.promoteFirst++;
      s.bad.push(bad);
    });
  }
  return stats.map((s) => {
    const judged = s.name.startsWith('ours');
    return {
      group,
      name: scenario.name,
      method: s.name,
      interval_s: s.interval,
      runs,
      median_detect_s: scenario.regression ? finite(at(s.rollbackAt, 0.5)) : null,
      p90_detect_s: scenario.regression ? finite(at(s.rollbackAt, 0.9)) : null,
      bad_requests_median: at(s.bad, 0.5),
      false_rollback_rate: scenario.regression ? null : s.rollbackFirst / runs,
      false_promotion_rate: scenario.regression ? s.promoteFirst / runs : null,
      detect_rate: scenario.regression ? s.rollbackFirst / runs : null,
      median_promote_s: judged && !scenario.regression ? finite(at(s.promoteAt, 0.5)) : null,
      false_rollback_rate_never_stopping: judged && !scenario.regression ? s.rollbackEver / runs : null,
    };
  });
}

// Quantile of all runs (type 7; never = Infinity sorts last), in whole seconds or requests.
function at(values: number[], q: number): number {
  return Math.round(quantileSorted([...values].sort((a, b) => a - b), q));
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function table(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

const pct = (v: number | null): string => (v === null ? '' : `${(100 * v).toFixed(2)}%`);
const sec = (v: number | null): string => (v === null ? 'never' : String(v));

function scenarioTable(rows: Row[]): string {
  return table(
    ['scenario', 'method', 'int s', 'runs', 'median s', 'p90 s', 'detected', 'bad req (median)', 'false rollback', 'false promotion', 'promote median s'],
    rows.map((r) => {
      const regression = r.detect_rate !== null;
      return [r.name, r.method, String(r.interval_s), String(r.runs), regression ? sec(r.median_detect_s) : '', regression ? sec(r.p90_detect_s) : '', pct(r.detect_rate), String(r.bad_requests_median), pct(r.false_rollback_rate), pct(r.false_promotion_rate), r.median_promote_s === null ? '' : String(r.median_promote_s)];
    }),
  );
}

function scheduleTable(rows: ScheduleRow[]): string {
  return table(
    ['case', 'traffic', 'runs', 'promoted', 'promote median s', 'promote p90 s', 'planned s', 'rolled back', 'rollback median s', 'rollback p90 s'],
    rows.map((r) => [r.name, r.traffic, String(r.runs), pct(r.promoted_rate), sec(r.median_promote_s), sec(r.p90_promote_s), r.planned_promote_s === null ? '' : String(r.planned_promote_s), pct(r.rolled_back_rate), sec(r.median_rollback_s), sec(r.p90_rollback_s)]),
  );
}

function plannerCheck(rows: Row[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const scenario of INDEPENDENT_SCENARIOS.filter((s) => s.signal === 'errors' && s.regression && !s.missingRate && s.name !== '2x errors, weights 5-10-25-50%')) {
    const oddsRatio = oddsRatioOf(scenario);
    const plan = planPower({ rps: scenario.rps, canaryWeight: scenario.weight(0), baselineRate: scenario.baselineErrorRate, minutes: scenario.minutes, targetOddsRatio: Math.min(100, oddsRatio) });
    const row = rows.find((r) => r.name === scenario.name && r.method === 'ours' && r.interval_s === 10);
    if (row) out.push({ scenario: scenario.name, odds_ratio: Number(oddsRatio.toFixed(2)), planned_80pct_s: plan.secondsToDetectTarget, simulated_median_s: row.median_detect_s, simulated_p90_s: row.median_detect_s === null ? null : row.p90_detect_s, min_detectable_odds_ratio: plan.minDetectableOddsRatio });
  }
  return out;
}

interface Target {
  target: string;
  value: unknown;
  pass: boolean;
}

function targets(rows: Row[], schedule: ScheduleRow[], cost: Record<string, number>): Target[] {
  const get = (name: string, method: string, interval: number): Row => rows.find((r) => r.name === name && r.method === method && r.interval_s === interval) as Row;
  const out: Target[] = [];
  for (const name of ['A/A 0.5% vs 0.5%', ...STICKY_SCENARIOS.filter((s) => !s.regression).map((s) => s.name), ...MINUTE_SCENARIOS.filter((s) => !s.regression).map((s) => s.name)]) {
    for (const interval of [10, 60]) {
      const row = get(name, 'ours', interval);
      if (row) out.push({ target: `false rollbacks <= 1.5% at alpha 1%: ${name}, ${interval} s (${row.runs} runs)`, value: row.false_rollback_rate, pass: (row.false_rollback_rate as number) <= 0.015 });
    }
  }
  for (const name of STICKY_SCENARIOS.filter((s) => s.regression && !s.name.startsWith('2x')).map((s) => s.name)) {
    const row = get(name, 'ours', 10);
    out.push({ target: `still detected (>= 95% of runs within the hour): ${name}`, value: { detect_rate: row.detect_rate, median_s: row.median_detect_s, p90_s: row.p90_detect_s }, pass: (row.detect_rate as number) >= 0.95 });
  }
  const healthy = schedule.find((r) => r.name === 'healthy') as ScheduleRow;
  const doubled = schedule.find((r) => r.name === '2x errors') as ScheduleRow;
  out.push({ target: 'default schedule, 100 rps, 0.5% errors: median time to promote a healthy canary <= 15 min', value: healthy.median_promote_s, pass: (healthy.median_promote_s ?? Infinity) <= 900 });
  out.push({ target: 'default schedule: 2x regression promoted <= 5% of runs', value: doubled.promoted_rate, pass: doubled.promoted_rate <= 0.05 });
  out.push({ target: '20x (independent, 10 s): median <= 30 s', value: get('20x errors', 'ours', 10).median_detect_s, pass: (get('20x errors', 'ours', 10).median_detect_s ?? Infinity) <= 30 });
  out.push({ target: 'fewer A/A false rollbacks than threshold (independent)', value: [get('A/A 0.5% vs 0.5%', 'ours', 10).false_rollback_rate, get('A/A 0.5% vs 0.5%', 'threshold', 60).false_rollback_rate], pass: (get('A/A 0.5% vs 0.5%', 'ours', 10).false_rollback_rate as number) < (get('A/A 0.5% vs 0.5%', 'threshold', 60).false_rollback_rate as number) });
  out.push({ target: 'one evaluation <= 1 ms', value: cost.judge_one_count_metric_us, pass: cost.judge_one_count_metric_us <= 1000 });
  return out;
}

/** One unit of work; the benchmark spreads them over two processes (the machine has two cores). */
type Job =
  | { readonly kind: 'scenario'; readonly group: number; readonly index: number; readonly seed: number }
  | { readonly kind: 'candidates'; readonly group: number; readonly index: number; readonly seed: number }
  | { readonly kind: 'schedule'; readonly index: number; readonly seed: number };

const GROUPS: ReadonlyArray<readonly [string, readonly Scenario[], readonly MethodFactory[], boolean]> = [
  ['independent', INDEPENDENT_SCENARIOS, TICK_METHODS, false],
  ['sticky', STICKY_SCENARIOS, TICK_METHODS, false],
  ['minute data', MINUTE_SCENARIOS, MINUTE_METHODS, true],
];

function jobs(): Job[] {
  const out: Job[] = [];
  let seed = SEED;
  GROUPS.forEach(([, scenarios], group) =>
    scenarios.forEach((scenario, index) => {
      seed++;
      if (FILTER && !FILTER.test(scenario.name)) return;
      out.push({ kind: 'scenario', group, index, seed });
      if (CANDIDATE_SCENARIOS.includes(scenario.name)) out.push({ kind: 'candidates', group, index, seed });
    }),
  );
  if (!FILTER) SCHEDULE_CASES.forEach((_, index) => out.push({ kind: 'schedule', index, seed: SEED + 1000 + index }));
  return out;
}

function runJob(job: Job): Row[] | ScheduleRow {
  if (job.kind === 'schedule') return runScheduleCase(DEFAULT_SCHEDULE, job.index, job.seed);
  const [group, scenarios, methods, minutes] = GROUPS[job.group];
  const scenario = scenarios[job.index];
  if (job.kind === 'candidates') return runScenario('candidates', scenario, job.seed, CANDIDATE_METHODS, CANDIDATE_RUNS);
  const minuteRng = createRng(job.seed ^ 0x5bd1e995);
  return runScenario(group, scenario, job.seed, methods, scenario.runs, minutes ? (ticks) => minuteTicks(ticks, minuteRng) : undefined);
}

function describeJob(job: Job): string {
  if (job.kind === 'schedule') return `default schedule: ${SCHEDULE_CASES[job.index].name}`;
  const scenario = GROUPS[job.group][1][job.index];
  return job.kind === 'candidates' ? `${scenario.name} (candidates, ${CANDIDATE_RUNS} runs)` : `${scenario.name} (${scenario.runs} runs)`;
}

const WORKERS = 2;

/** Runs every job in WORKERS child processes, each taking the next job when done; results in job order. */
async function runAll(list: readonly Job[]): Promise<{ results: Array<Row[] | ScheduleRow>; cpuSeconds: number }> {
  const results = new Array<Row[] | ScheduleRow>(list.length);
  let next = 0;
  let cpuSeconds = 0;
  const worker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = fork(__filename, [], { execArgv: process.execArgv, serialization: 'advanced', env: { ...process.env, BENCH_JUDGE_WORKER: '1' } });
      const give = (): void => {
        if (next >= list.length) {
          child.send({ done: true });
          return;
        }
        const id = next++;
        child.send({ id, job: list[id] });
      };
      child.on('message', (message: { id: number; result: Row[] | ScheduleRow; seconds: number } | { cpuSeconds: number }) => {
        if ('cpuSeconds' in message) {
          cpuSeconds += message.cpuSeconds;
          return;
        }
        results[message.id] = message.result;
        process.stderr.write(`${describeJob(list[message.id])}: ${message.seconds.toFixed(1)} s\n`);
        give();
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`benchmark worker exited with ${code}`))));
      give();
    });
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return { results, cpuSeconds };
}

function serveJobs(): void {
  const send = process.send as (message: unknown, callback?: () => void) => boolean;
  process.on('message', (message: { id: number; job: Job } | { done: true }) => {
    if ('done' in message) {
      const cpu = process.cpuUsage();
      send.call(process, { cpuSeconds: (cpu.user + cpu.system) / 1e6 }, () => process.disconnect());
      return;
    }
    const t0 = Date.now();
    const result = runJob(message.job);
    send.call(process, { id: message.id, result, seconds: (Date.now() - t0) / 1000 });
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const list = jobs();
  const { results, cpuSeconds } = await runAll(list);
  const rows = list.flatMap((job, i) => (job.kind === 'scenario' ? (results[i] as Row[]) : []));
  const candidates = list.flatMap((job, i) => (job.kind === 'candidates' ? (results[i] as Row[]) : []));
  const schedule = list.flatMap((job, i) => (job.kind === 'schedule' ? [results[i] as ScheduleRow] : []));
  const print = (s: string): boolean => process.stdout.write(`${s}\n`);
  print(scenarioTable(rows));
  print('\ncandidates (60 s intervals):');
  print(scenarioTable(candidates));
  if (FILTER) return;
  // Measured after the workers have finished, on a core of its own.
  const cost = measureEvaluationCost();
  const planner = plannerCheck(rows);
  const checks = targets(rows, schedule, cost);
  const own = process.cpuUsage();
  const out = {
    seed: SEED,
    tick_s: 10,
    alpha: 0.01,
    scenarios: rows,
    candidates,
    schedule: { steps: describeSchedule(DEFAULT_SCHEDULE), rows: schedule },
    evaluation_cost_us: cost,
    planner,
    targets: checks,
    wall_s: (Date.now() - started) / 1000,
    // CPU seconds of all processes: the work, whatever else the machine was doing meanwhile.
    cpu_s: Math.round(cpuSeconds + (own.user + own.system) / 1e6),
  };
  const file = path.join(WORKSPACE_ROOT, 'bench/results/judge.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  print(`\ndefault schedule: ${describeSchedule(DEFAULT_SCHEDULE)}`);
  print(scheduleTable(schedule));
  print('\nevaluation cost (microseconds per interval):');
  for (const [k, v] of Object.entries(cost)) print(`  ${k}: ${v}`);
  print('\npower planner (80% power time) vs simulation (ours, 10 s):');
  for (const p of planner) print(`  ${JSON.stringify(p)}`);
  print('\ntargets:');
  for (const t of checks) print(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.target}: ${JSON.stringify(t.value)}`);
  print(`\nwrote ${path.relative(process.cwd(), file)} in ${out.wall_s} s (${out.cpu_s} s of CPU over ${WORKERS} processes)`);
}

if (process.env.BENCH_JUDGE_WORKER) serveJobs();
else runMain(main);

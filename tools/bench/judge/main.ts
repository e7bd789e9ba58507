import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRng, planPower } from '../src/index';
import { measureEvaluationCost } from './cost';
import { fixedHorizon, type MethodFactory, naivePeeking, ours, threshold } from './methods';
import { SCENARIOS } from './scenarios';
import { badOf, type Scenario, simulateRun } from './simulator';

const SEED = 20261129;
const METHODS: ReadonlyArray<MethodFactory> = [ours(10), ours(60), threshold(), naivePeeking(10), naivePeeking(60), fixedHorizon()];

interface Row {
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

function runScenario(scenario: Scenario, seed: number): Row[] {
  const rng = createRng(seed);
  const horizon = scenario.minutes * 60;
  const stats = METHODS.map(() => ({ name: '', interval: 0, rollbackAt: [] as number[], promoteAt: [] as number[], rollbackFirst: 0, rollbackEver: 0, promoteFirst: 0, bad: [] as number[] }));
  for (let r = 0; r < scenario.runs; r++) {
    const ticks = simulateRun(scenario, rng);
    METHODS.forEach((factory, m) => {
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
      const promoted = method.name === 'ours' ? promoteAt < rollbackAt : rollbackAt === Infinity;
      if (promoted) s.promoteFirst++;
      s.bad.push(bad);
    });
  }
  return stats.map((s) => {
    const detect = sorted(s.rollbackAt);
    return {
      name: scenario.name,
      method: s.name,
      interval_s: s.interval,
      runs: scenario.runs,
      median_detect_s: scenario.regression ? finite(quantile(detect, 0.5)) : null,
      p90_detect_s: scenario.regression ? finite(quantile(detect, 0.9)) : null,
      bad_requests_median: quantile(sorted(s.bad), 0.5),
      false_rollback_rate: scenario.regression ? null : s.rollbackFirst / scenario.runs,
      false_promotion_rate: scenario.regression ? s.promoteFirst / scenario.runs : null,
      detect_rate: scenario.regression ? s.rollbackFirst / scenario.runs : null,
      median_promote_s: s.name === 'ours' && !scenario.regression ? finite(quantile(sorted(s.promoteAt), 0.5)) : null,
      false_rollback_rate_never_stopping: s.name === 'ours' && !scenario.regression ? s.rollbackEver / scenario.runs : null,
    };
  });
}

function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function quantile(values: number[], q: number): number {
  return values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)];
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function table(rows: Row[]): string {
  const head = ['scenario', 'method', 'int s', 'runs', 'median s', 'p90 s', 'detected', 'bad req (median)', 'false rollback', 'false promotion'];
  const pct = (v: number | null): string => (v === null ? '' : `${(100 * v).toFixed(2)}%`);
  const sec = (v: number | null, regression: boolean): string => (regression ? (v === null ? 'never' : String(v)) : '');
  const body = rows.map((r) => [r.name, r.method, String(r.interval_s), String(r.runs), sec(r.median_detect_s, r.detect_rate !== null), sec(r.p90_detect_s, r.detect_rate !== null), pct(r.detect_rate), String(r.bad_requests_median), pct(r.false_rollback_rate), pct(r.false_promotion_rate)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

function plannerCheck(rows: Row[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const scenario of SCENARIOS.filter((s) => s.signal === 'errors' && s.regression && !s.missingRate && s.name !== '2x errors, weights 5-10-25-50%')) {
    const oddsRatio = (scenario.canaryErrorRate / (1 - scenario.canaryErrorRate)) / (scenario.baselineErrorRate / (1 - scenario.baselineErrorRate));
    const plan = planPower({ rps: scenario.rps, canaryWeight: scenario.weight(0), baselineRate: scenario.baselineErrorRate, minutes: scenario.minutes, targetOddsRatio: Math.min(100, oddsRatio) });
    const row = rows.find((r) => r.name === scenario.name && r.method === 'ours' && r.interval_s === 10);
    out.push({ scenario: scenario.name, odds_ratio: Number(oddsRatio.toFixed(2)), planned_80pct_s: plan.secondsToDetectTarget, simulated_median_s: row?.median_detect_s, simulated_p90_s: row?.p90_detect_s, min_detectable_odds_ratio: plan.minDetectableOddsRatio });
  }
  return out;
}

function main(): void {
  const started = Date.now();
  const rows: Row[] = [];
  SCENARIOS.forEach((scenario, i) => {
    const t0 = Date.now();
    rows.push(...runScenario(scenario, SEED + i));
    process.stderr.write(`${scenario.name}: ${scenario.runs} runs in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  });
  const cost = measureEvaluationCost();
  const planner = plannerCheck(rows);
  const get = (name: string, method: string, interval?: number): Row => rows.find((r) => r.name === name && r.method === method && (interval === undefined || r.interval_s === interval)) as Row;
  const aa = get('A/A 0.5% vs 0.5%', 'ours', 10);
  const regressions = SCENARIOS.filter((s) => s.regression).map((s) => s.name);
  const beatsThreshold = (name: string): boolean => {
    const a = get(name, 'ours', 10).median_detect_s ?? Infinity;
    const b = get(name, 'threshold').median_detect_s ?? Infinity;
    return a < b || (a === Infinity && b === Infinity && (get(name, 'ours', 10).detect_rate ?? 0) >= (get(name, 'threshold').detect_rate ?? 0));
  };
  const targets = [
    { target: 'A/A false rollbacks <= 1.5% at alpha 1% (10 s, 2000 runs)', value: aa.false_rollback_rate, pass: (aa.false_rollback_rate as number) <= 0.015 },
    { target: '5x at 100 rps / 5%: median <= 90 s', value: get('5x errors', 'ours', 10).median_detect_s, pass: (get('5x errors', 'ours', 10).median_detect_s ?? Infinity) <= 90 },
    { target: '20x: median <= 30 s', value: get('20x errors', 'ours', 10).median_detect_s, pass: (get('20x errors', 'ours', 10).median_detect_s ?? Infinity) <= 30 },
    ...regressions.map((name) => ({ target: `faster than threshold (median): ${name}`, value: [get(name, 'ours', 10).median_detect_s, get(name, 'threshold').median_detect_s], pass: beatsThreshold(name) })),
    { target: 'fewer A/A false rollbacks than threshold', value: [aa.false_rollback_rate, get('A/A 0.5% vs 0.5%', 'threshold').false_rollback_rate], pass: (aa.false_rollback_rate as number) < (get('A/A 0.5% vs 0.5%', 'threshold').false_rollback_rate as number) },
    { target: 'one evaluation <= 1 ms', value: cost.judge_one_count_metric_us, pass: cost.judge_one_count_metric_us <= 1000 },
  ];
  const out = { seed: SEED, tick_s: 10, horizon_min: 60, alpha: 0.01, scenarios: rows, evaluation_cost_us: cost, planner, targets, wall_s: (Date.now() - started) / 1000 };
  const file = path.resolve(__dirname, '../../../bench/results/judge.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  const print = (s: string): boolean => process.stdout.write(`${s}\n`);
  print(table(rows));
  print('\nevaluation cost (microseconds per interval):');
  for (const [k, v] of Object.entries(cost)) print(`  ${k}: ${v}`);
  print('\npower planner (80% power time) vs simulation (ours, 10 s):');
  for (const p of planner) print(`  ${JSON.stringify(p)}`);
  print('\ntargets:');
  for (const t of targets) print(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.target}: ${JSON.stringify(t.value)}`);
  print(`\nwrote ${path.relative(process.cwd(), file)} in ${out.wall_s} s`);
}

main();

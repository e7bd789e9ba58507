import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../cli/main';

const repoRoot = path.resolve(__dirname, '../../..');

function run(argv: string[], files: Record<string, string> = {}): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, {
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    readFile: (file) => {
      if (!(file in files)) throw new Error(`ENOENT: no such file, open '${file}'`);
      return files[file];
    },
  });
  return { code, out, err };
}

const line = (t: number, canary: object, baseline: object): string => JSON.stringify({ t, canary, baseline });

describe('judge CLI', () => {
  it('replays a file, prints one JSON line per interval and stops at the first rollback', () => {
    const lines = [
      line(10, { requests: 50, errors: 0 }, { requests: 950, errors: 5 }),
      line(20, { requests: 50 }, { requests: 950, errors: 4 }),
      line(30, { requests: 50, errors: 9 }, { requests: 950, errors: 5 }),
      line(40, { requests: 50, errors: 9 }, { requests: 950, errors: 5 }),
    ];
    const { code, out, err } = run(['replay', 'r.jsonl', '--alpha', '0.01'], { 'r.jsonl': `${lines.join('\n')}\n` });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const parsed = out.map((l) => JSON.parse(l));
    expect(parsed.map((p) => p.decision)).toEqual(['continue', 'continue', 'rollback']);
    expect(parsed[2]).toMatchObject({ t: 30, metric: 'errors', threshold: 100, canary: { requests: 150, bad: 9 }, baseline: { requests: 2850, bad: 14 }, stale: false });
    expect(parsed[2].evidence).toBeGreaterThanOrEqual(100);
    expect(parsed[2].cs[0]).toBeGreaterThan(1);
    expect(parsed[2].odds_ratio).toBeGreaterThan(parsed[2].cs[0]);
    expect(parsed[0].reason).toContain('not enough evidence yet');
  });

  it('judges latency and quality when the file carries them, and promotes on evidence', () => {
    const lines: string[] = [];
    for (let i = 1; i <= 200; i++) {
      lines.push(line(i * 60, { requests: 500, errors: i % 3 === 0 ? 3 : 2, slow: 5, quality: { count: 20, sum: 16 } }, { requests: 500, errors: 3, slow: 5, quality: { count: 20, sum: 16 } }));
    }
    // Requests routed one by one (no stickiness): the quality gate is the slow one, see the next test.
    const { code, out } = run(['replay', 'p.jsonl', '--margin', '1.5', '--min-canary-requests', '2000', '--stickiness', '0'], { 'p.jsonl': lines.join('\n') });
    expect(code).toBe(0);
    const last = JSON.parse(out[out.length - 1]);
    expect(last.decision).toBe('promote');
    expect(last.metrics.map((m: { metric: string }) => m.metric)).toEqual(['errors', 'latency', 'quality']);
    expect(last.metrics[0].alpha).toBeCloseTo(0.005, 12);
    expect(last.metrics[2].mean_difference).toBeCloseTo(0, 12);
  });

  it('rejects invalid lines with the file, the line number and the field', () => {
    const ok = line(10, { requests: 5 }, { requests: 5 });
    const cases: Array<[string, string]> = [
      [`${ok}\n{"t": 20, "canary": {"requests": -1}, "baseline": {"requests": 5}}`, 'f.jsonl:2: canary.requests: got -1; must be an integer >= 0'],
      [`${ok}\n\n${line(20, { requests: 5, errors: 6 }, { requests: 5 })}`, 'f.jsonl:3: canary.errors: got 6; must not exceed canary.requests (5)'],
      [`${ok}\n${line(10, { requests: 5 }, { requests: 5 })}`, "f.jsonl:2: t: got 10; must be greater than the previous line's t (10)"],
      [`${ok}\n{"t": 20, "canary": {`, 'f.jsonl:2: (json): not valid JSON'],
      ['[1, 2]', 'f.jsonl:1: (json): must be a JSON object'],
      ['{"t": "ten", "canary": {"requests": 1}, "baseline": {"requests": 1}}', 'f.jsonl:1: t: got "ten"; must be a number of seconds >= 0'],
      ['{"t": 1, "baseline": {"requests": 1}}', 'f.jsonl:1: canary: got undefined; must be an object with "requests"'],
      [line(1, { requests: 5 }, { requests: 5, errors: 1.5 }), 'f.jsonl:1: baseline.errors: got 1.5; must be an integer >= 0'],
      [line(1, { requests: 5, slow: 9 }, { requests: 5 }), 'f.jsonl:1: canary.slow: got 9; must not exceed canary.requests (5)'],
      [line(1, { requests: 5, cpu: 1 }, { requests: 5 }), 'f.jsonl:1: canary.cpu: unknown field; allowed: requests, errors, slow, quality'],
      [line(1, { requests: 5, quality: 0.9 }, { requests: 5 }), 'f.jsonl:1: canary.quality: got 0.9; must be {"count", "sum"}'],
      [line(1, { requests: 5, quality: { count: 2, sum: 3 } }, { requests: 5 }), 'f.jsonl:1: canary.quality.sum: got 3; must be a number in [0, canary.quality.count (2)]'],
      [line(1, { requests: 5, quality: { count: -2, sum: 0 } }, { requests: 5 }), 'f.jsonl:1: canary.quality.count: got -2; must be an integer >= 0'],
      ['\n\n', 'f.jsonl: no intervals'],
      [JSON.stringify({ t: 60, canary: { requests: 5 }, baseline: { requests: 5 }, late: { t: 1 } }), 'f.jsonl:1: late: got {"t":1}; must be a list of {"t", "canary", "baseline"}'],
      [JSON.stringify({ t: 60, canary: { requests: 5 }, baseline: { requests: 5 }, late: [{ t: 60, canary: { requests: 1 }, baseline: { requests: 1 } }] }), "f.jsonl:1: late[0].t: got 60; must be a number of seconds >= 0 before the line's t (60)"],
      [JSON.stringify({ t: 60, canary: { requests: 5 }, baseline: { requests: 5 }, late: [{ t: 0, canary: { requests: 1, errors: 2 }, baseline: { requests: 1 } }] }), 'f.jsonl:1: late[0].canary.errors: got 2; must not exceed late[0].canary.requests (1)'],
    ];
    for (const [text, message] of cases) {
      const { code, out, err } = run(['replay', 'f.jsonl'], { 'f.jsonl': text });
      expect({ code, out, err: err.join('\n') }).toEqual({ code: 1, out: [], err: expect.stringContaining(message) });
    }
    expect(run(['replay', 'missing.jsonl']).err[0]).toContain('missing.jsonl: cannot read (ENOENT');
  });

  it('takes late datapoints as their own intervals, once, and the routing\'s stickiness', () => {
    const minute = (t: number, canaryErrors: number) => ({ t, canary: { requests: 300, errors: canaryErrors }, baseline: { requests: 2700, errors: 14 } });
    const onTime = [minute(60, 2), minute(120, 1), minute(180, 2)].map((l) => JSON.stringify(l)).join('\n');
    // Minute 2's datapoints arrive a minute late, with minute 3.
    const late = [minute(60, 2), { t: 120, canary: { requests: 0 }, baseline: { requests: 0 } }, { ...minute(180, 2), late: [minute(120, 1)] }].map((l) => JSON.stringify(l)).join('\n');
    const a = run(['replay', 'a.jsonl'], { 'a.jsonl': onTime });
    const b = run(['replay', 'b.jsonl'], { 'b.jsonl': late });
    expect(b.err).toEqual([]);
    const last = (out: string[]) => JSON.parse(out[out.length - 1]);
    expect(last(b.out)).toEqual(last(a.out));
    expect(last(b.out).canary).toEqual({ requests: 900, bad: 5 });
    expect(JSON.parse(b.out[1]).metrics[0].missing_streak).toBe(1);
    // The client-mix discount: with 300 s stickiness and 50 effective clients at 10% share, sd sqrt((1/50) / 0.09).
    expect(last(a.out).metrics[0].client_mix_sd).toBeCloseTo(Math.sqrt(1 / 50 / 0.09), 3);
    const unsticky = run(['replay', 'a.jsonl', '--stickiness', '0'], { 'a.jsonl': onTime });
    expect(last(unsticky.out).metrics[0].client_mix_sd).toBe(0);
    const many = run(['replay', 'a.jsonl', '--effective-clients', '5000'], { 'a.jsonl': onTime });
    expect(last(many.out).metrics[0].client_mix_sd).toBeCloseTo(Math.sqrt(1 / 5000 / 0.09), 4);
    expect(run(['replay', 'a.jsonl', '--stickiness', '-1'], { 'a.jsonl': onTime })).toMatchObject({ code: 1, err: ['stickinessSeconds: got -1; must be seconds in [0, 604800] (0: no stickiness; ALB allows up to 7 days)'] });
  });

  it('rejects bad usage and bad options', () => {
    expect(run([]).code).toBe(2);
    expect(run(['judge']).err[0]).toContain('unknown command "judge"');
    expect(run(['replay']).err[0]).toContain('replay takes exactly one FILE.jsonl');
    expect(run(['replay', 'f', '--alpha']).err[0]).toContain('--alpha: got null; must be a number');
    expect(run(['replay', 'f', '--colour', 'red']).err[0]).toContain('unknown option --colour');
    const f = { 'f.jsonl': line(1, { requests: 5 }, { requests: 5 }) };
    expect(run(['replay', 'f.jsonl', '--alpha', '2'], f)).toMatchObject({ code: 1, err: ['alpha: got 2; must be a number in (0, 0.5)'] });
    expect(run(['plan', '--rps', '100']).err[0]).toContain('plan needs --weight');
    expect(run(['plan', '--rps', '100', '--weight', '5', '--p0', '0.005', '--minutes', '60'])).toMatchObject({ code: 1, err: ['--weight: got 5; must be a fraction in (0, 1) (5% is 0.05)'] });
    expect(run(['plan', '--rps', '-1', '--weight', '0.05', '--p0', '0.005', '--minutes', '60'])).toMatchObject({ code: 1, err: ['rps must be in (0, inf); got -1'] });
  });

  it('plans a rollout and flags an underpowered one', () => {
    const ok = run(['plan', '--rps', '100', '--weight', '0.05', '--p0', '0.005', '--minutes', '60', '--stickiness', '0']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out[0])).toMatchObject({ underpowered: false, targetOddsRatio: 2, canaryRequestsPerInterval: 50 });
    // The same rollout with sticky clients (the default 300 s window, 50 effective clients) cannot tell 2x from the client mix in an hour.
    expect(JSON.parse(run(['plan', '--rps', '100', '--weight', '0.05', '--p0', '0.005', '--minutes', '60']).out[0])).toMatchObject({ underpowered: true });
    const weak = run(['plan', '--rps', '2', '--weight', '0.05', '--p0', '0.005', '--minutes', '10']);
    expect(JSON.parse(weak.out[0])).toMatchObject({ underpowered: true, secondsToDetectTarget: null });
  });

  it('runs as a process on a temp file (npm run judge -- replay FILE)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'judge-cli-'));
    const file = path.join(dir, 'rollout.jsonl');
    writeFileSync(file, `${line(10, { requests: 50, errors: 20 }, { requests: 950, errors: 2 })}\n${line(20, { requests: 50, errors: 1 }, { requests: 950, errors: 2 })}\n`);
    const result = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'libs/judge/cli/main.ts', 'replay', file], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const out = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ t: 10, decision: 'rollback', metric: 'errors' });
    const bad = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'libs/judge/cli/main.ts', 'plan', '--rps', '1'], { cwd: repoRoot, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('plan needs --weight');
  });
});

import { readFileSync } from 'node:fs';
import { Judge, type Decision, type MetricSpec, planPower } from '../src/index';
import { parseReplayLine, ReplayLineError, type ReplayLine } from './replay-line';

// Imported relatively: tsx runs this from the repo root, where no tsconfig maps @canaryfleet/*.

export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly readFile: (path: string) => string;
}

const USAGE = [
  'usage: judge replay FILE.jsonl [--alpha 0.01] [--margin 2] [--promotion-alpha 0.01] [--min-canary-requests 1000] [--stale-after 3] [--stickiness 300] [--effective-clients 50]',
  '       judge plan --rps R --weight W --p0 P --minutes M [--alpha 0.01] [--interval 10] [--target 2] [--power 0.8] [--stickiness 300] [--effective-clients 50]',
].join('\n');

/** Runs the CLI; returns the exit code (0 ok, 1 invalid input, 2 usage). */
export function main(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  try {
    if (command === 'replay') return replay(rest, io);
    if (command === 'plan') return plan(rest, io);
    io.stderr(command === undefined || command === '--help' ? USAGE : `unknown command ${JSON.stringify(command)}\n${USAGE}`);
    return 2;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof RangeError) {
      io.stderr(error.message);
      return 1;
    }
    throw error;
  }
}

function replay(args: readonly string[], io: CliIo): number {
  const { positional, flags } = parseArgs(args, ['alpha', 'margin', 'promotion-alpha', 'min-canary-requests', 'stale-after', 'stickiness', 'effective-clients']);
  if (positional.length !== 1) throw new UsageError('replay takes exactly one FILE.jsonl');
  const file = positional[0];
  let text: string;
  try {
    text = io.readFile(file);
  } catch (error) {
    io.stderr(`${file}: cannot read (${(error as Error).message})`);
    return 1;
  }
  // Validate the whole file first: the metric set (and so the alpha split) must be known before judging.
  const lines: ReplayLine[] = [];
  let previousT = -Infinity;
  try {
    text.split('\n').forEach((raw, i) => {
      if (raw.trim() === '') return;
      const parsed = parseReplayLine(raw, i + 1, previousT);
      previousT = parsed.observation.t;
      lines.push(parsed);
    });
  } catch (error) {
    if (error instanceof ReplayLineError) {
      io.stderr(`${file}:${error.line}: ${error.field}: ${error.detail}`);
      return 1;
    }
    throw error;
  }
  if (lines.length === 0) {
    io.stderr(`${file}: no intervals (expected one JSON object per line)`);
    return 1;
  }
  const metrics: MetricSpec[] = [{ name: 'errors', kind: 'count', weight: 2 }];
  if (lines.some((l) => l.hasLatency)) metrics.push({ name: 'latency', kind: 'count' });
  if (lines.some((l) => l.hasQuality)) metrics.push({ name: 'quality', kind: 'score' });
  const judge = new Judge({
    alpha: flags.alpha,
    margin: flags.margin,
    promotionAlpha: flags['promotion-alpha'],
    minCanaryRequests: flags['min-canary-requests'],
    staleAfterIntervals: flags['stale-after'],
    stickinessSeconds: flags.stickiness,
    effectiveClients: flags['effective-clients'],
    metrics,
  });
  for (const line of lines) {
    const decision = judge.observe(line.observation);
    io.stdout(JSON.stringify(toOutputLine(decision)));
    if (decision.decision !== 'continue') break;
  }
  return 0;
}

/** One output line: the headline metric (the one that decided, else errors) first, then every metric. */
export function toOutputLine(decision: Decision): Record<string, unknown> {
  const headline = decision.metrics.find((m) => m.metric === (decision.metric ?? 'errors')) ?? decision.metrics[0];
  const estimate =
    headline.kind === 'count'
      ? { odds_ratio: headline.oddsRatio.oddsRatio, cs: [headline.oddsRatio.lower, finiteOrNull(headline.oddsRatio.upper)] }
      : { mean_difference: headline.difference.estimate, cs: [headline.difference.lower, headline.difference.upper] };
  return {
    t: decision.t,
    decision: decision.decision,
    metric: headline.metric,
    evidence: clamp(headline.rollbackEvidence),
    threshold: headline.rollbackThreshold,
    promotion_evidence: clamp(headline.promotionEvidence),
    ...estimate,
    canary: headline.canary,
    baseline: headline.baseline,
    stale: decision.stale,
    stale_metrics: decision.staleMetrics,
    reason: decision.reason,
    metrics: decision.metrics.map((m) => ({
      metric: m.metric,
      kind: m.kind,
      alpha: m.alpha,
      evidence: clamp(m.rollbackEvidence),
      promotion_evidence: clamp(m.promotionEvidence),
      ...(m.kind === 'count'
        ? { odds_ratio: m.oddsRatio.oddsRatio, cs: [m.oddsRatio.lower, finiteOrNull(m.oddsRatio.upper)] }
        : { mean_difference: m.difference.estimate, cs: [m.difference.lower, m.difference.upper] }),
      canary: m.canary,
      baseline: m.baseline,
      missing_streak: m.missingStreak,
      client_mix_sd: m.clientMixSd,
    })),
  };
}

function plan(args: readonly string[], io: CliIo): number {
  const { positional, flags } = parseArgs(args, ['rps', 'weight', 'p0', 'minutes', 'alpha', 'interval', 'target', 'power', 'stickiness', 'effective-clients']);
  if (positional.length > 0) throw new UsageError(`plan takes no positional arguments; got ${positional.join(' ')}`);
  for (const required of ['rps', 'weight', 'p0', 'minutes'] as const) if (flags[required] === undefined) throw new UsageError(`plan needs --${required}`);
  if ((flags.weight as number) >= 1) throw new RangeError(`--weight: got ${flags.weight}; must be a fraction in (0, 1) (5% is 0.05)`);
  const result = planPower({
    rps: flags.rps as number,
    canaryWeight: flags.weight as number,
    baselineRate: flags.p0 as number,
    minutes: flags.minutes as number,
    alpha: flags.alpha,
    intervalSeconds: flags.interval,
    targetOddsRatio: flags.target,
    power: flags.power,
    stickinessSeconds: flags.stickiness,
    effectiveClients: flags['effective-clients'],
  });
  io.stdout(JSON.stringify(result));
  return 0;
}

class UsageError extends Error {}

function parseArgs(args: readonly string[], known: readonly string[]): { positional: string[]; flags: Record<string, number | undefined> } {
  const positional: string[] = [];
  const flags: Record<string, number | undefined> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2);
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}; allowed: ${known.map((k) => `--${k}`).join(', ')}`);
    const raw = inline ?? args[++i];
    const value = Number(raw);
    if (raw === undefined || raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name}: got ${JSON.stringify(raw ?? null)}; must be a number`);
    flags[name] = value;
  }
  return { positional, flags };
}

function clamp(v: number): number {
  return Math.min(v, Number.MAX_VALUE);
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    readFile: (path) => readFileSync(path, 'utf8'),
  });
}

import type { JudgedInterval, RolloutEvent, RolloutRecord, RolloutSpec } from '@canaryfleet/rollout';
import { formatShare } from '@canaryfleet/traffic-state';
import { lineChart, type Point } from './charts';

export interface ReportInput {
  readonly spec: RolloutSpec;
  readonly record: RolloutRecord;
  readonly intervals: readonly JudgedInterval[];
  readonly events: readonly RolloutEvent[];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const ratio = (bad: number, total: number): number | null => (total > 0 ? bad / total : null);
const at = (interval: JudgedInterval) => interval.end * 1000;

function shareChart(input: ReportInput): string {
  const points: Point[] = input.events.filter((e) => e.reason === 'TrafficVerified' || e.reason === 'RolloutStarted').map((e) => [Date.parse(e.at), e.canaryPerMille / 10]);
  return lineChart('Canary share of weighted traffic', '%', [{ name: 'canary share (%)', data: points, step: true }]);
}

function perInterval(title: string, yName: string, value: (side: JudgedInterval['counts']['canary']) => number | null, input: ReportInput): string {
  return lineChart(title, yName, [
    { name: 'canary', data: input.intervals.map((i) => [at(i), value(i.counts.canary)]) },
    { name: 'baseline (stable)', data: input.intervals.map((i) => [at(i), value(i.counts.baseline)]) },
  ]);
}

function evidenceCharts(input: ReportInput): string[] {
  const metrics = input.intervals[0]?.decision.metrics.map((m) => m.metric) ?? [];
  return metrics.map((metric) => {
    const of = (i: JudgedInterval) => i.decision.metrics.find((m) => m.metric === metric);
    const finite = (v: number | undefined | null): number | null => (v === undefined || v === null || !Number.isFinite(v) || v <= 0 ? null : v);
    const first = of(input.intervals[0]);
    return lineChart(`Evidence: ${metric} (e-values; a line crossing its threshold decides)`, 'e-value', [
      { name: 'rollback evidence', data: input.intervals.map((i) => [at(i), finite(of(i)?.rollbackEvidence)]) },
      { name: 'rollback threshold (1/alpha)', data: input.intervals.map((i) => [at(i), finite(first?.rollbackThreshold)]), dashed: true },
      { name: 'promotion evidence', data: input.intervals.map((i) => [at(i), finite(of(i)?.promotionEvidence)]) },
      { name: 'promotion threshold', data: input.intervals.map((i) => [at(i), finite(first?.promotionThreshold)]), dashed: true },
    ], { yLog: true });
  });
}

/**
 * `canary report`: one self-contained HTML file (inline SVG charts from ECharts' server-side
 * renderer, inline CSS, no script, no network) with the share over time, canary vs baseline per
 * interval, each metric's evidence against its threshold, and the decision and why.
 */
export function reportHtml(input: ReportInput): string {
  const { spec, record } = input;
  const outcome = record.outcome;
  const decision = outcome ? `${outcome.kind === 'promoted' ? 'Promoted' : 'Rolled back'} at ${outcome.at} by ${outcome.by} (${outcome.cause}): ${outcome.message}` : `Not decided yet: stage ${record.stage}${record.paused ? `, paused: ${record.paused.reason}` : ''}`;
  const latest = record.judging.latest;
  const sources = spec.metricSources;
  const charts = [
    shareChart(input),
    perInterval('Error rate per interval (target 5XX + connection errors / requests, weighted groups)', 'errors / request', (s) => ratio(s.alb.errors, Math.max(s.alb.requests, s.alb.errors)), input),
    // Latency and quality only where the environment measures them (fleet-published counts, or ALB's TC on AWS).
    ...(sources.fleet || sources.albSlowThresholdSeconds !== null
      ? [perInterval('Slow requests per interval (latency above the threshold)', 'slow / request', (s) => (sources.fleet ? ratio(s.fleet.slow, s.fleet.requests) : ratio(s.alb.slow, s.alb.requests)), input)]
      : []),
    ...(sources.fleet ? [perInterval('Output quality per interval (mean score)', 'mean score', (s) => ratio(s.fleet.qualitySum, s.fleet.qualityCount), input)] : []),
    ...evidenceCharts(input),
  ];
  const evidenceRows = (latest?.metrics ?? [])
    .map((m) => `<tr><td>${escapeHtml(m.metric)}</td><td>${m.rollbackEvidence}</td><td>${m.rollbackThreshold}</td><td>${m.promotionGate ? `${m.promotionEvidence} / ${m.promotionThreshold}` : 'not a gate'}</td><td>${escapeHtml(m.estimate)}</td><td>${escapeHtml(m.canary)}</td><td>${escapeHtml(m.baseline)}</td></tr>`)
    .join('\n');
  const eventRows = input.events.map((e) => `<tr class="${e.severity}"><td>${e.at}</td><td>${e.reason}</td><td>${e.step >= 0 ? `${e.step + 1}` : ''}</td><td>${formatShare(e.canaryPerMille)}</td><td>${escapeHtml(e.message)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>canary report: ${escapeHtml(spec.environment)} ${escapeHtml(spec.rolloutId)}</title>
<style>
body { font-family: sans-serif; margin: 2em auto; max-width: 920px; color: #222; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin-bottom: 1.5em; }
td, th { border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; }
tr.critical td { background: #fde2e2; } tr.warning td { background: #fff4d6; }
.decision { font-size: 16px; padding: 10px; border-left: 6px solid ${outcome?.kind === 'rolled-back' ? '#c0392b' : '#27ae60'}; background: #f7f7f7; }
figure { margin: 0 0 1em 0; }
</style>
</head>
<body>
<h1>Rollout ${escapeHtml(spec.rolloutId)}</h1>
<p>Environment <b>${escapeHtml(spec.environment)}</b>: model <b>${escapeHtml(spec.release.modelVersion)}</b> (${escapeHtml(spec.release.serverImage)}, ${escapeHtml(spec.release.amiId)}) on the ${spec.canary} fleet, started by ${escapeHtml(spec.startedBy)} at ${spec.startedAt}. Steps ${spec.schedule.steps.map((s) => `${formatShare(s.canaryPerMille)} (bake ${s.minBakeSeconds} s)`).join(', ')}; interval ${spec.schedule.intervalSeconds} s.</p>
<h2>Decision</h2>
<p class="decision">${escapeHtml(decision)}</p>
${latest ? `<p>The judge's last word (interval ${latest.t} s): ${escapeHtml(`${latest.decision}: ${latest.reason}`)}</p>` : ''}
<h2>Evidence against its thresholds (last interval)</h2>
<table><tr><th>metric</th><th>rollback evidence</th><th>rollback threshold</th><th>promotion evidence / threshold</th><th>estimate</th><th>canary</th><th>baseline</th></tr>
${evidenceRows}
</table>
<h2>Charts</h2>
${sources.fleet ? '' : '<p>Latency and output quality are not measured in this environment (no fleet-published metrics).</p>'}
${charts.map((svg) => `<figure>${svg}</figure>`).join('\n')}
<h2>Events</h2>
<table><tr><th>time</th><th>reason</th><th>step</th><th>share</th><th>message</th></tr>
${eventRows}
</table>
<p>${input.intervals.length} intervals judged. Generated by <code>canary report</code>.</p>
</body>
</html>
`;
}

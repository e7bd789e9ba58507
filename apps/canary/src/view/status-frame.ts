import { formatDuration, type MetricEvidence, type RolloutEvent, type RolloutStatus } from '@canaryfleet/rollout';

function duration(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  return seconds < 60 ? `${seconds}s` : formatDuration(Math.round(seconds / 60) * 60);
}

function evidence(value: number): string {
  if (value === null || !Number.isFinite(value)) return 'inf';
  return value >= 1000 || (value < 0.01 && value !== 0) ? value.toExponential(1) : String(Number(value.toFixed(2)));
}

function metricLine(m: MetricEvidence): string {
  const gate = m.promotionGate ? `promote ${evidence(m.promotionEvidence)}/${evidence(m.promotionThreshold)}` : 'no promotion gate';
  return `  ${m.metric.padEnd(14)} rollback ${evidence(m.rollbackEvidence)}/${evidence(m.rollbackThreshold)}  ${gate}${m.stale ? '  STALE' : ''}  ${m.estimate}  canary ${m.canary} vs baseline ${m.baseline}`;
}

/** The terminal view of a rollout: where it is, what the judge sees against its thresholds, and what happened last. */
export function statusFrame(status: RolloutStatus, events: readonly RolloutEvent[], lastEvents = 6): string {
  const lines = [
    `canary ${status.environment} — rollout ${status.rolloutId} of ${status.modelVersion}`,
    `  stage ${status.stage}, step ${Math.max(0, status.step)}/${status.steps}, canary share ${status.share}${status.bakeLeftSeconds === null ? '' : `, bake left ${duration(status.bakeLeftSeconds)}`}`,
  ];
  if (status.paused) lines.push(`  PAUSED: ${status.paused}`);
  if (status.outcome) lines.push(`  ${status.outcome.kind.toUpperCase()} (${status.outcome.cause}, by ${status.outcome.by}): ${status.outcome.message}`);
  if (status.decision) lines.push(`  judge: ${status.decision}`);
  if (status.evidence.length > 0) {
    lines.push('  evidence (value/threshold):');
    lines.push(...status.evidence.map(metricLine));
  }
  if (status.outcome === null) lines.push(`  expected time to a decision: ${duration(status.expectedSecondsToDecision)}`);
  lines.push('  last events:');
  lines.push(...events.slice(-lastEvents).map((e) => `    ${e.at.slice(11, 19)} ${e.reason}: ${e.message}`));
  return lines.join('\n');
}

import { formatShare } from '@canaryfleet/traffic-state';
import type { MetricEvidence } from './canary-judge';
import type { RolloutRecord } from './record';
import type { RolloutSpec } from './spec';
import { epochSeconds } from './tick';

/** What a person sees of a rollout at a moment: the terminal view, `status --json` and the report read this. */
export interface RolloutStatus {
  readonly rolloutId: string;
  readonly environment: string;
  readonly modelVersion: string;
  readonly stage: RolloutRecord['stage'];
  /** 1-based step number and the number of steps. */
  readonly step: number;
  readonly steps: number;
  readonly share: string;
  readonly bakeLeftSeconds: number | null;
  readonly paused: string | null;
  readonly outcome: RolloutRecord['outcome'];
  readonly decision: string | null;
  readonly evidence: readonly MetricEvidence[];
  /** At the current rate of evidence, seconds until the judge can promote; null when it cannot tell. */
  readonly expectedSecondsToDecision: number | null;
}

/**
 * Extrapolates the slowest promotion gate: ln(evidence) grows about linearly in time for a canary as
 * good as the baseline, so time left = elapsed * ln(threshold / evidence) / ln(evidence).
 */
export function expectedSecondsToDecision(evidence: readonly MetricEvidence[], elapsedSeconds: number): number | null {
  const gates = evidence.filter((m) => m.promotionGate);
  if (gates.length === 0 || elapsedSeconds <= 0) return null;
  let longest = 0;
  for (const gate of gates) {
    if (gate.promotionEvidence >= gate.promotionThreshold) continue;
    if (!(gate.promotionEvidence > 1)) return null;
    longest = Math.max(longest, (elapsedSeconds * Math.log(gate.promotionThreshold / gate.promotionEvidence)) / Math.log(gate.promotionEvidence));
  }
  return Math.ceil(longest);
}

export function rolloutStatus(spec: RolloutSpec, record: RolloutRecord, now: Date): RolloutStatus {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const step = spec.schedule.steps[record.stepIndex];
  const bakeLeftSeconds = step && record.stepStartedAt && record.stage === 'step' ? Math.max(0, step.minBakeSeconds - (nowSeconds - epochSeconds(record.stepStartedAt))) : null;
  const latest = record.judging.latest;
  const elapsed = latest ? latest.t : 0;
  return {
    rolloutId: spec.rolloutId,
    environment: spec.environment,
    modelVersion: spec.release.modelVersion,
    stage: record.stage,
    step: record.stepIndex + 1,
    steps: spec.schedule.steps.length,
    share: formatShare(record.trafficState?.canaryPerMille ?? 0),
    bakeLeftSeconds,
    paused: record.paused?.reason ?? null,
    outcome: record.outcome,
    decision: latest ? `${latest.decision}: ${latest.reason}` : null,
    evidence: latest?.metrics ?? [],
    expectedSecondsToDecision: latest && record.outcome === null ? expectedSecondsToDecision(latest.metrics, elapsed) : null,
  };
}

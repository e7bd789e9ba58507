import { finish, formatShare, promote, rollBack, setCanaryShare, startCanary, type TrafficState } from '@canaryfleet/traffic-state';
import type { RolloutAction } from './actions';
import { intervalObservation, type CanaryJudge } from './canary-judge';
import { canaryCapacityFor } from './capacity';
import type { EventReason, RolloutEvent } from './events';
import type { JudgedInterval } from './judged-interval';
import { assembleIntervals, dueIntervals } from './metric-intervals';
import { canaryRequestShortfall, shortfallFloorPerMille } from './metrics-shortfall';
import type { Observations } from './observations';
import type { MoveKind, RolloutRecord } from './record';
import type { RolloutSpec } from './spec';
import { epochSeconds, isoSeconds, OPERATOR_WRITER, Tick } from './tick';
import { sameDocument } from './traffic-documents';
import { aboveObserved, checkSteadyState, currentDocument, startMove, verifyMove } from './traffic-moves';

export interface ReconcileInput {
  readonly spec: RolloutSpec;
  readonly record: RolloutRecord;
  readonly observations: Observations;
  /** The rollout's judge with every journaled interval replayed; `reconcile` feeds it the new ones. */
  readonly judge: CanaryJudge;
}

export interface ReconcileResult {
  /** The next record: the controller journals it (fenced) before running any action. */
  readonly record: RolloutRecord;
  readonly actions: readonly RolloutAction[];
  readonly events: readonly RolloutEvent[];
  /** Intervals judged in this step, to journal for replay and the report. */
  readonly judged: readonly JudgedInterval[];
}

/**
 * One level-triggered step of the operator (DESIGN.md #10): from the spec, the record and what is
 * observed now, the next record, the actions that move the world towards it, and what happened.
 * Pure and deterministic; the same observations twice do nothing the second time.
 */
export function reconcile(input: ReconcileInput): ReconcileResult {
  const tick = new Tick(input.spec, input.record, input.observations, input.judge);
  if (tick.record.stage !== 'done') {
    applyCommands(tick);
    if (tick.record.move) verifyMove(tick, onVerified, (message) => rollBackNow(tick, 'TrafficVerifyFailed', message));
    else checkSteadyState(tick);
    judgeDueIntervals(tick);
    enforceSafety(tick);
    if (!tick.record.move && !tick.record.paused) progress(tick);
    keepCapacity(tick);
  }
  return { record: tick.record, actions: tick.actions, events: tick.events, judged: tick.judged };
}

function applyCommands(tick: Tick): void {
  for (const command of [...tick.observed.commands].sort((a, b) => a.seq - b.seq)) {
    if (command.seq <= tick.record.commandsApplied) continue;
    tick.update({ commandsApplied: command.seq });
    if (command.kind === 'pause') tick.pause(`paused by ${command.by}: ${command.reason}`, command.by);
    else if (command.kind === 'resume') {
      if (tick.record.paused) tick.emit('Resumed', `Resumed by ${command.by}: ${command.reason} (was: ${tick.record.paused.reason})`, { by: command.by });
      adoptObservedTrafficState(tick, command.by);
      // A shortfall that paused starts its clock again; a cause that lasts pauses again on the next check.
      tick.update({ paused: null, shortfallSince: tick.record.shortfallSince === null ? null : tick.now });
    } else if (command.kind === 'promote') {
      tick.update({ requests: { ...tick.record.requests, promote: { by: command.by, reason: command.reason, skipAnalysis: command.skipAnalysis === true } } });
      tick.emit('PromoteRequested', `${command.by} asked to promote${command.skipAnalysis ? ' without analysis' : ' as soon as the judge allows'}: ${command.reason}`, { by: command.by, skipAnalysis: command.skipAnalysis === true });
    } else {
      tick.update({ requests: { ...tick.record.requests, abort: { by: command.by, reason: command.reason } } });
    }
  }
}

/**
 * A person who resumes after a foreign change accepts the traffic state as it is, if it is still this
 * rollout's (same rollout id, same releases, a revision not behind ours); anything else stays a pause.
 */
function adoptObservedTrafficState(tick: Tick, by: string): void {
  const observed = tick.observed.trafficState;
  const ours = tick.record.trafficState;
  if (observed.kind !== 'ok' || !ours || tick.record.move || sameDocument(observed.state, ours)) return;
  const state = observed.state;
  const same = state.rolloutId === ours.rolloutId && state.revision >= ours.revision && JSON.stringify(state.releases) === JSON.stringify(ours.releases) && state.stable === ours.stable;
  if (!same) return;
  tick.update({ trafficState: state });
  tick.emit('Resumed', `${by} accepted traffic state revision ${state.revision} as written by ${state.updatedBy}`, { by, revision: state.revision });
}

/** Whether the canary carries (or is about to carry) weighted traffic and has not lost or won yet. */
function judging(tick: Tick): boolean {
  return tick.record.outcome === null && tick.record.judging.anchor !== null && (tick.record.stage === 'step' || tick.record.stage === 'warm-up');
}

function judgeDueIntervals(tick: Tick): void {
  if (!judging(tick)) return;
  const { judging: state } = tick.record;
  const grid = { anchor: state.anchor as number, intervalSeconds: tick.spec.schedule.intervalSeconds, watermark: state.watermark, settleSeconds: tick.spec.limits.metricsSettleSeconds };
  const due = dueIntervals(grid, tick.nowSeconds);
  const intervals = assembleIntervals(tick.observed.datapoints, due, tick.canary);
  for (const interval of intervals) {
    const observation = intervalObservation(interval.end - grid.anchor, interval.counts, tick.spec.metricSources);
    const decision = tick.judge.observe(observation);
    const stepStart = tick.record.stepStartedAt === null ? Infinity : epochSeconds(tick.record.stepStartedAt);
    const inStep = interval.end > stepStart;
    const previous = tick.record.judging.stepRequests;
    const stepRequests = inStep
      ? { canary: previous.canary + interval.counts.canary.alb.requests, total: previous.total + interval.counts.canary.alb.requests + interval.counts.baseline.alb.requests }
      : previous;
    const { steps } = tick.spec.schedule;
    const floor = shortfallFloorPerMille({
      share: tick.share,
      previousShare: tick.record.stepIndex > 0 ? steps[tick.record.stepIndex - 1].canaryPerMille : null,
      secondsInStep: interval.end - stepStart,
      stickinessSeconds: tick.spec.routing.policy.stickinessSeconds,
    });
    const check = canaryRequestShortfall(stepRequests.canary, stepRequests.total, tick.share, floor);
    // A metric with no data on either fleet (say, fleets that publish nothing) can never show promotion evidence.
    const silent = decision.metrics.filter((m) => m.stale).map((m) => m.metric);
    const credible = !check.shortfall && silent.length === 0;
    tick.judged.push({ start: interval.start, end: interval.end, canaryPerMille: tick.share, counts: interval.counts, observation, decision });
    tick.update({
      judging: {
        ...tick.record.judging,
        intervalsJudged: tick.record.judging.intervalsJudged + 1,
        watermark: interval.end,
        latest: decision,
        stepRequests,
        lastEvidenceAt: credible ? isoSeconds(new Date(interval.end * 1000)) : tick.record.judging.lastEvidenceAt,
      },
    });
    tick.emit('IntervalJudged', `Interval ${decision.t} s: ${decision.decision}: ${decision.reason}`, { t: decision.t, decision: decision.decision, canaryRequests: interval.counts.canary.alb.requests, baselineRequests: interval.counts.baseline.alb.requests });
    trackShortfall(tick, check, silent);
    if (decision.decision === 'rollback') {
      rollBackNow(tick, 'JudgeRollback', `The judge decided to roll back: ${decision.reason}`);
      return;
    }
  }
}

function trackShortfall(tick: Tick, check: ReturnType<typeof canaryRequestShortfall>, silent: readonly string[]): void {
  if (!check.shortfall && silent.length === 0) {
    if (tick.record.shortfallSince !== null) tick.emit('MetricsRecovered', `Canary metrics match the share again (${check.observed} requests, about ${Math.round(check.expected)} expected)`);
    tick.update({ shortfallSince: null });
    return;
  }
  if (tick.record.shortfallSince === null) {
    tick.update({ shortfallSince: tick.now });
    const why = check.shortfall
      ? `the canary reported ${check.observed} requests in this step where ${formatShare(tick.share)} of the traffic means about ${Math.round(check.expected)}, improbable even for a quarter of it (P <= ${check.probabilityBound.toExponential(1)})`
      : `no data on either fleet for ${silent.join(', ')}`;
    tick.emit('MetricsShortfall', `Metrics missing: ${why}; no promotion until they arrive`, { observed: check.observed, expected: check.expected, silentMetrics: silent });
  }
}

/** Rolls back at once (any stage before an outcome); nothing routed to the canary yet means nothing to move. */
function rollBackNow(tick: Tick, cause: EventReason, message: string, by = OPERATOR_WRITER): void {
  if (tick.record.outcome !== null) return;
  if (cause !== 'TrafficVerifyFailed') tick.emit(cause, message);
  const base = currentDocument(tick);
  const outcome = { kind: 'rolled-back' as const, cause, message, at: tick.now, by };
  // A rollback supersedes any pause: taking traffic away from the canary is always allowed.
  tick.update({ paused: null });
  if (!base || base.phase !== 'canary') {
    tick.update({ outcome, move: null, stage: 'drain', drain: { colour: tick.canary, until: tick.now, scaledToZero: false } });
    tick.emit('RolledBack', `Rolled back before any traffic reached the canary: ${message}`, { cause });
    return;
  }
  tick.update({ outcome, stage: 'roll-back' });
  startMove(tick, 'roll-back', aboveObserved(tick, rollBack(base, tick.writer)));
}

function enforceSafety(tick: Tick): void {
  const { record } = tick;
  if (record.outcome !== null) return;
  if (record.requests.abort) {
    rollBackNow(tick, 'AbortRequested', `Aborted by ${record.requests.abort.by}: ${record.requests.abort.reason}`, record.requests.abort.by);
    return;
  }
  if (record.stage === 'warm-up' || record.stage === 'step') {
    for (const [kind, name] of Object.entries(tick.spec.alarms[tick.canary] ?? {})) {
      const alarm = tick.observed.alarms.find((a) => a.name === name);
      if (alarm?.state !== 'ALARM') continue;
      if (tick.spec.warmupAlarmKinds.includes(kind) && record.healthySince === null) {
        if (!tick.record.warmupAlarmsSeen.includes(name)) {
          tick.update({ warmupAlarmsSeen: [...tick.record.warmupAlarmsSeen, name] });
          tick.emit('WarmupAlarmIgnored', `Alarm ${name} (${kind}) is in ALARM while the canary warms up; it counts once the canary's targets are healthy`, { alarm: name, kind });
        }
        continue;
      }
      rollBackNow(tick, 'CanaryAlarm', `Canary alarm ${name} (${kind}) is in ALARM`);
      return;
    }
  }
  if (record.stage === 'warm-up' && record.capacity && tick.secondsSince(record.capacity.requestedAt) > tick.spec.limits.healthyTimeoutSeconds) {
    const health = tick.observed.targets[tick.canary];
    rollBackNow(tick, 'CanaryHealthTimeout', `The canary fleet did not have ${record.capacity.desired} healthy targets within ${tick.spec.limits.healthyTimeoutSeconds} s (healthy ${health.healthy}, not healthy ${health.notHealthy})`);
    return;
  }
  if (judging(tick)) {
    const since = tick.record.judging.lastEvidenceAt ?? isoSeconds(new Date((tick.record.judging.anchor as number) * 1000));
    if (tick.secondsSince(since) > tick.spec.limits.maxUnjudgedSeconds) {
      rollBackNow(tick, 'UnjudgedTooLong', `The canary carried traffic for ${tick.secondsSince(since)} s without credible evidence reaching the judge (limit ${tick.spec.limits.maxUnjudgedSeconds} s)`);
    }
  }
}

function onVerified(tick: Tick, kind: MoveKind, target: TrafficState): void {
  if (kind === 'release') {
    tick.emit('ReleaseWritten', `The canary fleet (${tick.canary}) runs ${target.releases[tick.canary]?.modelVersion} from traffic state revision ${target.revision}`);
    enterWarmUp(tick, 0);
  } else if (kind === 'share') {
    const anchor = tick.record.judging.anchor ?? Math.floor(tick.nowSeconds / tick.spec.schedule.intervalSeconds) * tick.spec.schedule.intervalSeconds;
    tick.update({ stage: 'step', stepStartedAt: tick.now, shortfallSince: null, judging: { ...tick.record.judging, anchor, stepRequests: { canary: 0, total: 0 } } });
    const step = tick.spec.schedule.steps[tick.record.stepIndex];
    tick.emit('StepStarted', `Step ${tick.record.stepIndex + 1} of ${tick.spec.schedule.steps.length}: the canary carries ${formatShare(target.canaryPerMille)} for at least ${step.minBakeSeconds} s`, {
      canaryPerMille: target.canaryPerMille,
      minBakeSeconds: step.minBakeSeconds,
    });
  } else if (kind === 'promote' || kind === 'roll-back') {
    const colour = kind === 'promote' ? tick.stable : tick.canary;
    // The drain also outlasts the window in which a fenced-out writer's write can land: read back until then.
    const until = isoSeconds(new Date((tick.nowSeconds + Math.max(tick.spec.limits.drainSeconds, tick.spec.limits.fencedWriteWindowSeconds)) * 1000));
    tick.update({ stage: 'drain', drain: { colour, until, scaledToZero: false } });
    const outcome = tick.record.outcome;
    if (kind === 'promote') tick.emit('Promoted', `Promoted ${tick.spec.release.modelVersion}: ${tick.canary} is the stable fleet; ${colour} drains until ${until}. ${outcome?.message ?? ''}`.trim(), { cause: outcome?.cause, by: outcome?.by });
    else tick.emit('RolledBack', `Rolled back: every request goes to ${tick.stable}; ${colour} drains until ${until}. ${outcome?.message ?? ''}`.trim(), { cause: outcome?.cause, by: outcome?.by });
    tick.emit('Draining', `${colour} drains for the deregistration delay (${tick.spec.limits.drainSeconds} s), then scales to zero`);
  } else if (kind === 'finish') {
    tick.update({ stage: 'done' });
    tick.emit('Finished', `Rollout ${tick.spec.rolloutId} finished: ${tick.record.outcome?.kind ?? 'ended'}; traffic state revision ${target.revision} is idle`);
  }
}

function enterWarmUp(tick: Tick, nextStep: number): void {
  const desired = canaryCapacityFor(nextStep, tick.spec.schedule, tick.observed.fleets[tick.stable].desired, tick.spec.maxCapacity);
  const current = tick.record.capacity?.desired ?? 0;
  tick.update({ stage: 'warm-up', capacity: { desired: Math.max(desired, current), requestedAt: tick.now } });
  tick.emit('CapacityRequested', `The canary fleet scales to ${Math.max(desired, current)} instance(s) before it carries ${formatShare(tick.spec.schedule.steps[nextStep].canaryPerMille)}`, { desired: Math.max(desired, current), step: nextStep });
}

function canaryHealthyAt(tick: Tick, count: number): boolean {
  return tick.observed.targets[tick.canary].healthy >= count && tick.observed.fleets[tick.canary].inService >= count;
}

function moveToStep(tick: Tick, index: number): void {
  const base = currentDocument(tick) as TrafficState;
  tick.update({ stepIndex: index, stepStartedAt: null });
  startMove(tick, 'share', aboveObserved(tick, setCanaryShare(base, tick.spec.schedule.steps[index].canaryPerMille, tick.writer)));
}

function promoteNow(tick: Tick, cause: EventReason, message: string, by: string): void {
  const base = currentDocument(tick) as TrafficState;
  tick.emit(cause, message);
  tick.update({ outcome: { kind: 'promoted', cause, message, at: tick.now, by }, stage: 'promote' });
  startMove(tick, 'promote', aboveObserved(tick, promote(base, tick.writer)));
}

function progress(tick: Tick): void {
  const { record, spec } = tick;
  const last = spec.schedule.steps.length - 1;
  switch (record.stage) {
    case 'release': {
      const observed = tick.observed.trafficState;
      if (observed.kind !== 'ok') {
        tick.pause(`the traffic state cannot be read before the release: ${observed.kind === 'invalid' ? observed.problems.join('; ') : 'the parameter does not exist'}`);
        return;
      }
      if (observed.state.phase !== 'idle') {
        tick.pause(`the environment is not idle (phase "${observed.state.phase}", rollout ${observed.state.rolloutId}); this rollout starts only from an idle traffic state`);
        return;
      }
      if (observed.state.stable === tick.canary) {
        tick.pause(`the canary fleet ${tick.canary} is the stable fleet now; start a new rollout`);
        return;
      }
      let target: TrafficState;
      try {
        target = startCanary(observed.state, { release: spec.release, rolloutId: spec.rolloutId }, tick.writer);
      } catch (error) {
        tick.pause((error as Error).message);
        return;
      }
      tick.emit('RolloutStarted', `Rollout ${spec.rolloutId} of ${spec.release.modelVersion} on ${tick.canary} started by ${spec.startedBy}: steps ${spec.schedule.steps.map((s) => formatShare(s.canaryPerMille)).join(', ')}, interval ${spec.schedule.intervalSeconds} s`);
      startMove(tick, 'release', target);
      return;
    }
    case 'warm-up': {
      const desired = record.capacity?.desired ?? 1;
      const capacity = record.capacity ?? { desired, requestedAt: tick.now };
      if (!canaryHealthyAt(tick, desired)) {
        if (capacity.targetsHealthySince) tick.update({ capacity: { ...capacity, targetsHealthySince: null } });
        return;
      }
      // Healthy must hold for minHealthySeconds: a model server can pass its first checks and then die.
      const since = capacity.targetsHealthySince ?? tick.now;
      if (!capacity.targetsHealthySince) tick.update({ capacity: { ...capacity, targetsHealthySince: since } });
      if (tick.secondsSince(since) < spec.limits.minHealthySeconds) return;
      if (record.healthySince === null) {
        tick.update({ healthySince: tick.now });
        tick.emit('CanaryHealthy', `The canary fleet has ${desired} healthy target(s)`, { healthy: tick.observed.targets[tick.canary].healthy });
      }
      moveToStep(tick, record.stepIndex + 1);
      return;
    }
    case 'step':
      stepProgress(tick, last);
      return;
    case 'drain': {
      const drain = record.drain;
      if (!drain || tick.secondsSince(drain.until) < 0) return;
      const fleet = tick.observed.fleets[drain.colour];
      if (!drain.scaledToZero) tick.update({ drain: { ...drain, scaledToZero: true } });
      if (fleet.instances > 0 || fleet.desired > 0) return;
      tick.emit('FleetScaledToZero', `${drain.colour} has no instances left`);
      tick.update({ stage: 'finish' });
      startFinish(tick);
      return;
    }
    case 'promote': {
      // The promotion move was dropped by a pause (a foreign traffic-state write during it): once resumed, move again.
      const base = currentDocument(tick);
      if (base?.phase === 'canary') startMove(tick, 'promote', aboveObserved(tick, promote(base, tick.writer)));
      return;
    }
    case 'finish':
      startFinish(tick);
      return;
    default:
      return;
  }
}

function startFinish(tick: Tick): void {
  const base = currentDocument(tick);
  if (!base || base.phase === 'idle') {
    tick.update({ stage: 'done' });
    tick.emit('Finished', `Rollout ${tick.spec.rolloutId} finished: ${tick.record.outcome?.kind ?? 'ended'}; the traffic state is idle`);
    return;
  }
  startMove(tick, 'finish', aboveObserved(tick, finish(base, tick.writer)));
}

function stepProgress(tick: Tick, last: number): void {
  const { record, spec } = tick;
  const step = spec.schedule.steps[record.stepIndex];
  const stepStart = epochSeconds(record.stepStartedAt as string);
  // Baked = the minimum time passed AND the judge has seen the intervals that cover it.
  const baked = tick.nowSeconds - stepStart >= step.minBakeSeconds && (record.judging.watermark ?? 0) >= stepStart + step.minBakeSeconds;
  const credible = record.shortfallSince === null;
  if (!credible && tick.secondsSince(record.shortfallSince as string) >= spec.limits.metricsShortfallPauseSeconds) {
    tick.pause(`MetricsShortfall: the canary's metrics have been short of what ${formatShare(tick.share)} of the traffic means for ${tick.secondsSince(record.shortfallSince as string)} s; check the canary's metrics, then \`canary resume\` or \`canary abort\``);
    return;
  }
  const request = record.requests.promote;
  const stableDesired = tick.observed.fleets[tick.stable].desired;
  const ready = canaryHealthyAt(tick, Math.max(1, stableDesired));
  if (request?.skipAnalysis) {
    if (ready) promoteNow(tick, 'PromotedWithoutAnalysis', `${request.by} promoted without waiting for the judge: ${request.reason}`, request.by);
    return;
  }
  const judgeSaysPromote = record.judging.latest?.decision === 'promote';
  if ((record.stepIndex === last ? baked : request !== null) && judgeSaysPromote && credible) {
    if (ready) promoteNow(tick, 'JudgePromote', `The judge decided to promote: ${record.judging.latest?.reason}`, request?.by ?? OPERATOR_WRITER);
    return;
  }
  if (record.stepIndex < last && baked && credible && request === null) {
    const next = record.stepIndex + 1;
    const needed = canaryCapacityFor(next, spec.schedule, stableDesired, spec.maxCapacity);
    if (needed > (record.capacity?.desired ?? 0) || !canaryHealthyAt(tick, needed)) enterWarmUp(tick, next);
    else moveToStep(tick, next);
  }
}

/**
 * Level-triggered capacity: the canary fleet never has fewer instances than the stage needs (the last
 * step follows the stable fleet up), and a drained fleet is held at zero.
 */
function keepCapacity(tick: Tick): void {
  const { record } = tick;
  const canaryFleet = tick.observed.fleets[tick.canary];
  if (record.outcome === null && (record.stage === 'warm-up' || record.stage === 'step') && record.capacity) {
    const last = tick.spec.schedule.steps.length - 1;
    const full = canaryCapacityFor(last, tick.spec.schedule, tick.observed.fleets[tick.stable].desired, tick.spec.maxCapacity);
    const wanted = record.stepIndex === last || record.requests.promote !== null ? Math.max(record.capacity.desired, full) : record.capacity.desired;
    if (wanted !== record.capacity.desired) tick.update({ capacity: { desired: wanted, requestedAt: record.capacity.requestedAt } });
    if (canaryFleet.desired < wanted) tick.actions.push({ type: 'set-capacity', colour: tick.canary, desired: wanted, minSize: 0 });
  }
  // The promoted fleet is stable now: it keeps the stable floor (ADR 0004).
  if (record.outcome?.kind === 'promoted' && record.drain !== null && (canaryFleet.minSize < tick.spec.minCapacity || canaryFleet.desired < tick.spec.minCapacity)) {
    tick.actions.push({ type: 'set-capacity', colour: tick.canary, desired: Math.max(canaryFleet.desired, tick.spec.minCapacity), minSize: tick.spec.minCapacity });
  }
  const drain = tick.record.drain;
  if (drain?.scaledToZero && tick.observed.fleets[drain.colour].desired !== 0) tick.actions.push({ type: 'set-capacity', colour: drain.colour, desired: 0, minSize: 0 });
}

import { listenerDifferences, serializeTrafficState, type TrafficState } from '@canaryfleet/traffic-state';
import type { MoveKind } from './record';
import { documentDifferences, sameDocument } from './traffic-documents';
import type { Tick } from './tick';

/** Moves that take traffic away from the canary: rewriting them can only make things safer. */
const SAFETY_MOVES: ReadonlySet<MoveKind> = new Set<MoveKind>(['roll-back', 'reassert']);
/** Moves whose failure rolls the canary back; the others keep retrying (there is nothing safer to go to). */
const FORWARD_MOVES: ReadonlySet<MoveKind> = new Set<MoveKind>(['release', 'share']);

function observedState(tick: Tick): TrafficState | null {
  const observed = tick.observed.trafficState;
  return observed.kind === 'ok' ? observed.state : null;
}

/** A revision above every one seen, so a move never goes back in revision (a reader detects lost writes by it). */
export function aboveObserved(tick: Tick, target: TrafficState): TrafficState {
  const seen = Math.max(observedState(tick)?.revision ?? 0, tick.record.trafficState?.revision ?? 0);
  return target.revision > seen ? target : { ...target, revision: seen + 1 };
}

/**
 * The latest document this rollout stands behind: what the parameter holds when it is ours (the last
 * verified state or the pending move's target), otherwise the pending target or the last verified one.
 */
export function currentDocument(tick: Tick): TrafficState | null {
  const observed = observedState(tick);
  const ours = [tick.record.move?.target, tick.record.trafficState].filter((s): s is TrafficState => s !== undefined && s !== null);
  if (observed && ours.some((state) => sameDocument(state, observed))) return observed;
  return ours[0] ?? null;
}

/**
 * Commits a traffic move: the record (journaled by the controller before any action runs, fenced by the
 * lease) carries the target; then the traffic state, then the listener; the next ticks read both back.
 */
export function startMove(tick: Tick, kind: MoveKind, target: TrafficState): void {
  serializeTrafficState(target);
  tick.update({ move: { kind, target, attemptStartedAt: tick.now, decidedAt: tick.now, attempt: 1 } });
  if (kind === 'release') tick.actions.push({ type: 'write-ami-parameter', colour: tick.canary, amiId: tick.spec.release.amiId });
  tick.actions.push({ type: 'write-traffic-state', state: target }, { type: 'write-listener', actions: tick.render(target) });
  tick.emit('TrafficMoveStarted', `${kind}: writing traffic state revision ${target.revision} (${target.phase}, canary ${target.canaryPerMille / 10} %) and the listener`, { kind, revision: target.revision });
}

/** What to do once a move reads back equal to its target; set by the reconcile step. */
export type OnVerified = (tick: Tick, kind: MoveKind, target: TrafficState) => void;

/** Rewrites what the rollout stands behind over a change someone else made, during a rollback or an abort. */
function reassert(tick: Tick, ours: TrafficState, differences: string[]): void {
  tick.emit('ExternalChangeOverwritten', `Rolling back, so the change made behind the operator's back is overwritten: ${differences.join('; ')}`, { differences });
  startMove(tick, tick.record.move?.kind === 'roll-back' ? 'roll-back' : 'reassert', aboveObserved(tick, { ...ours, updatedAt: tick.now }));
}

/** Whether the rollout is taking traffic away from the canary (then a foreign change is overwritten, not obeyed). */
export function inSafetyDirection(tick: Tick): boolean {
  return tick.record.requests.abort !== null || tick.record.outcome?.kind === 'rolled-back' || (tick.record.move !== null && SAFETY_MOVES.has(tick.record.move.kind));
}

/** Pauses for a foreign change (once while it lasts), or overwrites it when rolling back. */
function foreignChange(tick: Tick, reason: 'ListenerChangedExternally' | 'TrafficStateChangedExternally' | 'TrafficStateRevisionWentBackwards' | 'TrafficStateUnreadable', message: string, differences: string[]): void {
  const ours = tick.record.move?.target ?? tick.record.trafficState;
  if (ours && inSafetyDirection(tick)) {
    reassert(tick, ours, differences);
    return;
  }
  const pauseReason = `${reason}: ${message}`;
  tick.update({ move: null });
  if (tick.record.paused?.reason === pauseReason) return;
  tick.emit(reason, message, { differences });
  tick.pause(pauseReason);
}

function unreadable(tick: Tick): string[] | null {
  const observed = tick.observed.trafficState;
  if (observed.kind === 'missing') return ['the traffic-state parameter does not exist'];
  if (observed.kind === 'invalid') return [...observed.problems];
  return null;
}

/** Safety rule 2: with no move in flight, the parameter and the listener must be exactly what this rollout last wrote. */
export function checkSteadyState(tick: Tick): void {
  const ours = tick.record.trafficState;
  if (!ours) return;
  const problems = unreadable(tick);
  if (problems) {
    foreignChange(tick, 'TrafficStateUnreadable', `the traffic state cannot be read: ${problems.join('; ')}. Restore revision ${ours.revision} from the journal (\`canary history\`) or run \`canary abort\``, problems);
    return;
  }
  const observed = observedState(tick) as TrafficState;
  if (observed.revision < ours.revision) {
    foreignChange(
      tick,
      'TrafficStateRevisionWentBackwards',
      `the traffic state's revision went backwards from ${ours.revision} to ${observed.revision}: the parameter was recreated or restored from an older value. The journal holds revision ${ours.revision}; restore it or run \`canary abort\``,
      documentDifferences(ours, observed),
    );
    return;
  }
  const documentDiff = documentDifferences(ours, observed);
  if (documentDiff.length > 0) {
    foreignChange(tick, 'TrafficStateChangedExternally', `the traffic state was changed by ${observed.updatedBy}, not by this rollout: ${documentDiff.join('; ')}`, documentDiff);
    return;
  }
  const listenerDiff = listenerDifferences(tick.render(observed), tick.observed.listener);
  if (listenerDiff.length > 0) {
    foreignChange(tick, 'ListenerChangedExternally', `the listener does not carry what traffic state revision ${observed.revision} renders: ${listenerDiff.join('; ')}. Restore it or run \`canary abort\``, listenerDiff);
  }
}

/**
 * Safety rule 1: a move is done only when the parameter holds its target and the listener reads back
 * equal to what the target renders. Not verified within the timeout: write again; after the last
 * attempt a forward move rolls back, a safety move keeps trying and notifies.
 */
export function verifyMove(tick: Tick, onVerified: OnVerified, onForwardFailure: (message: string) => void): void {
  const move = tick.record.move;
  if (!move) return;
  const observed = observedState(tick);
  const documentOk = observed !== null && sameDocument(observed, move.target);
  const listenerDiff = listenerDifferences(tick.render(move.target), tick.observed.listener);
  if (documentOk && listenerDiff.length === 0) {
    tick.update({ move: null, trafficState: move.target });
    tick.emit('TrafficVerified', `Traffic state revision ${move.target.revision} and the listener read back as written (${move.kind}), ${tick.secondsSince(move.decidedAt)} s after the decision`, {
      kind: move.kind,
      revision: move.target.revision,
      secondsFromDecision: tick.secondsSince(move.decidedAt),
      attempt: move.attempt,
    });
    onVerified(tick, move.kind, move.target);
    return;
  }
  // Someone else wrote at or above our revision: never overwritten silently (rule 2).
  if (observed && !documentOk && observed.revision >= move.target.revision) {
    foreignChange(tick, 'TrafficStateChangedExternally', `while moving to revision ${move.target.revision}, revision ${observed.revision} was written by ${observed.updatedBy}: ${documentDifferences(move.target, observed).join('; ')}`, documentDifferences(move.target, observed));
    return;
  }
  if (observed && tick.record.trafficState && observed.revision < tick.record.trafficState.revision) {
    foreignChange(tick, 'TrafficStateRevisionWentBackwards', `the traffic state's revision went backwards from ${tick.record.trafficState.revision} to ${observed.revision} during a move`, documentDifferences(tick.record.trafficState, observed));
    return;
  }
  if (!observed && !SAFETY_MOVES.has(move.kind) && tick.record.trafficState) {
    const problems = unreadable(tick) ?? [];
    foreignChange(tick, 'TrafficStateUnreadable', `the traffic state cannot be read during a move: ${problems.join('; ')}`, problems);
    return;
  }
  if (tick.secondsSince(move.attemptStartedAt) < tick.spec.limits.verifyTimeoutSeconds) return;
  const what = [documentOk ? null : 'traffic state', listenerDiff.length > 0 ? `listener (${listenerDiff.join('; ')})` : null].filter(Boolean).join(' and ');
  if (move.attempt >= tick.spec.limits.verifyAttempts && FORWARD_MOVES.has(move.kind)) {
    tick.emit('TrafficVerifyFailed', `The ${move.kind} move to revision ${move.target.revision} did not read back after ${move.attempt} attempts: ${what}`, { kind: move.kind, attempts: move.attempt });
    onForwardFailure(`the ${move.kind} move did not read back after ${move.attempt} attempts`);
    return;
  }
  if (move.attempt === tick.spec.limits.verifyAttempts) {
    tick.emit('TrafficVerifyFailed', `The ${move.kind} move to revision ${move.target.revision} did not read back after ${move.attempt} attempts (${what}); it keeps trying`, { kind: move.kind, attempts: move.attempt });
  }
  tick.update({ move: { ...move, attempt: move.attempt + 1, attemptStartedAt: tick.now } });
  tick.emit('TrafficVerifyRetry', `Writing again (attempt ${move.attempt + 1}): ${what} not as written after ${tick.spec.limits.verifyTimeoutSeconds} s`, { kind: move.kind, attempt: move.attempt + 1 });
  if (!documentOk) tick.actions.push({ type: 'write-traffic-state', state: move.target });
  tick.actions.push({ type: 'write-listener', actions: tick.render(move.target) });
}

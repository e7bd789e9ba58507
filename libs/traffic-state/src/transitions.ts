import { canaryColour, serializeTrafficState, trafficStateSchema, type Release, type TrafficState } from './document';
import { TransitionError } from './errors';
import { formatShare } from './share';

/** Who writes a revision, and when; every transition stamps it and increments the revision. */
export interface Writer {
  readonly at: Date;
  readonly by: string;
}

function next(state: TrafficState, writer: Writer, change: Partial<TrafficState>): TrafficState {
  const candidate = { ...state, ...change, revision: state.revision + 1, updatedAt: writer.at.toISOString().replace(/\.\d{3}Z$/, 'Z'), updatedBy: writer.by };
  // Validates every invariant: a transition can never produce a document the parameter must not hold.
  serializeTrafficState(candidate);
  return trafficStateSchema.parse(candidate);
}

function requirePhase(state: TrafficState, allowed: readonly TrafficState['phase'][], verb: string): void {
  if (!allowed.includes(state.phase)) {
    const why = state.phase === 'idle' ? 'no canary is running' : state.phase === 'canary' ? `a canary (rollout ${state.rolloutId}) is running` : `rollout ${state.rolloutId} has ended and its fleet is draining`;
    throw new TransitionError(`cannot ${verb} at revision ${state.revision}: the phase is "${state.phase}" (${why}); ${verb} needs phase ${allowed.map((p) => `"${p}"`).join(' or ')}`);
  }
}

/** idle -> canary at 0 %: the canary fleet gets `release` and warms up before any weighted traffic. */
export function startCanary(state: TrafficState, start: { readonly release: Release; readonly rolloutId: string }, writer: Writer): TrafficState {
  requirePhase(state, ['idle'], 'start a canary');
  const stable = state.releases[state.stable];
  if (stable && stable.modelVersion === start.release.modelVersion && stable.serverImage === start.release.serverImage && stable.amiId === start.release.amiId) {
    throw new TransitionError(`cannot start a canary of model ${start.release.modelVersion}: the stable fleet (${state.stable}) already runs exactly this release`);
  }
  return next(state, writer, {
    phase: 'canary',
    canaryPerMille: 0,
    rolloutId: start.rolloutId,
    releases: { ...state.releases, [canaryColour(state)]: start.release },
  });
}

/** canary -> canary at a new share (0..999 per mille); the listener follows from the rendered actions. */
export function setCanaryShare(state: TrafficState, canaryPerMille: number, writer: Writer): TrafficState {
  requirePhase(state, ['canary'], `set the canary share to ${Number.isInteger(canaryPerMille) ? formatShare(canaryPerMille) : canaryPerMille}`);
  return next(state, writer, { canaryPerMille });
}

/**
 * canary -> promoted: the stable pointer flips to the canary fleet, whose instances carried the canary
 * traffic, so no instance starts after the analysis (DESIGN.md #4). The former stable fleet drains.
 */
export function promote(state: TrafficState, writer: Writer): TrafficState {
  requirePhase(state, ['canary'], 'promote');
  return next(state, writer, { phase: 'promoted', stable: canaryColour(state), canaryPerMille: 0 });
}

/** canary -> rolled-back: every request to the stable fleet at once; the canary fleet drains. */
export function rollBack(state: TrafficState, writer: Writer): TrafficState {
  requirePhase(state, ['canary'], 'roll back');
  return next(state, writer, { phase: 'rolled-back', canaryPerMille: 0 });
}

/** promoted | rolled-back -> idle, once the fleet that lost its traffic has drained and scaled to zero. */
export function finish(state: TrafficState, writer: Writer): TrafficState {
  requirePhase(state, ['promoted', 'rolled-back'], 'finish');
  return next(state, writer, { phase: 'idle', rolloutId: null, releases: { ...state.releases, [canaryColour(state)]: null } });
}

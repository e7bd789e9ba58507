import { initialRecord, type RolloutSpec } from '@canaryfleet/rollout';
import { RolloutController, SYSTEM_CLOCK, type Clock, type ControllerOptions } from './controller';
import type { OperatorPorts } from './operator-ports';

/** How long a lease lasts without renewal; the watchdog resumes a rollout whose lease ran out. */
export const DEFAULT_LEASE_SECONDS = 120;

export class NoActiveRolloutError extends Error {
  constructor(environment: string, what: string) {
    super(`${environment}: no rollout is running, so there is nothing to ${what}; \`canary history ${environment}\` lists past rollouts`);
    this.name = 'NoActiveRolloutError';
  }
}

/** `canary start`: takes the environment's lease (refused while another rollout runs) and journals the spec. */
export async function startRollout(ports: OperatorPorts, spec: RolloutSpec, holder: string, clock: Clock = SYSTEM_CLOCK, options: ControllerOptions = {}): Promise<RolloutController> {
  const lease = await ports.store.acquireForStart(spec.rolloutId, holder, options.leaseSeconds ?? DEFAULT_LEASE_SECONDS);
  try {
    await ports.store.create(lease, spec, initialRecord(spec.rolloutId));
  } catch (error) {
    await ports.store.release(lease);
    throw error;
  }
  return RolloutController.open(ports, lease, clock, options);
}

/** `canary resume` and the watchdog: continues the active rollout from its journal once its holder's lease ran out. */
export async function resumeRollout(ports: OperatorPorts, holder: string, clock: Clock = SYSTEM_CLOCK, options: ControllerOptions = {}): Promise<RolloutController> {
  const active = await ports.store.activeRollout();
  if (!active?.activeRollout) throw new NoActiveRolloutError(ports.store.environment, 'resume');
  const lease = await ports.store.takeOverExpired(active.activeRollout, holder, options.leaseSeconds ?? DEFAULT_LEASE_SECONDS);
  return RolloutController.open(ports, lease, clock, options);
}

/**
 * `canary abort`, break glass: takes the lease whoever holds it (a higher fencing token fences the old
 * holder out of the journal), journals the abort, and returns the controller that rolls back.
 */
export async function abortRollout(ports: OperatorPorts, holder: string, reason: string, clock: Clock = SYSTEM_CLOCK, options: ControllerOptions = {}): Promise<RolloutController> {
  const active = await ports.store.activeRollout();
  if (!active?.activeRollout) throw new NoActiveRolloutError(ports.store.environment, 'abort');
  const lease = await ports.store.takeOverForAbort(active.activeRollout, holder, options.leaseSeconds ?? DEFAULT_LEASE_SECONDS);
  await ports.store.appendCommand(active.activeRollout, { kind: 'abort', by: holder, reason });
  return RolloutController.open(ports, lease, clock, options);
}

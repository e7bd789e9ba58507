import {
  CanaryJudge,
  metricsQueryStart,
  reconcile,
  type Observations,
  type ReconcileResult,
  type RolloutAction,
  type RolloutEvent,
  type RolloutRecord,
} from '@canaryfleet/rollout';
import { isCredentialsError } from './aws-clients';
import type { OperatorPorts } from './operator-ports';
import type { Lease, RolloutStore, StoredRollout } from './rollout-store';

/** The clock the controller runs on; tests and benchmarks give it a faster one only through its options. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = { now: () => new Date(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export interface ControllerOptions {
  /** How long the lease lasts without renewal; the watchdog resumes a rollout whose lease ran out. @default 120 */
  readonly leaseSeconds?: number;
  /** Seconds between reconcile steps. @default 10 */
  readonly tickSeconds?: number;
  /** Every event, as soon as it is journaled (the terminal view, `--json`, plain lines). */
  readonly onEvent?: (event: RolloutEvent) => void;
  /** After every step, with the journaled record. */
  readonly onTick?: (stored: StoredRollout) => void;
}

/** Credentials expired mid-rollout: the journal is consistent and the lease runs out; `canary resume` continues. */
export class CredentialsExpiredError extends Error {
  constructor(
    readonly rolloutId: string,
    cause: Error,
  ) {
    super(`rollout ${rolloutId}: the AWS credentials expired or were refused (${cause.name}: ${cause.message}). The journal is consistent; nothing half-done stays undone: run \`canary resume\` with fresh credentials once the lease ends.`);
    this.name = 'CredentialsExpiredError';
  }
}

const MAX_METRIC_PERIOD_SECONDS = 60;

/**
 * Drives `reconcile` against AWS (DESIGN.md #10): observe, reconcile, journal the step fenced by the
 * lease token, then act in order (traffic state, listener, capacity), then notify. Holding nothing in
 * memory that the journal lacks, a crash costs nothing but a resume.
 */
export class RolloutController {
  private judge: CanaryJudge;

  private constructor(
    private readonly ports: OperatorPorts,
    private readonly lease: Lease,
    private stored: StoredRollout,
    private readonly clock: Clock,
    private readonly options: ControllerOptions,
    judge: CanaryJudge,
  ) {
    this.judge = judge;
  }

  /** A controller for a journaled rollout: the judge's evidence is restored by replaying the journaled intervals. */
  static async open(ports: OperatorPorts, lease: Lease, clock: Clock = SYSTEM_CLOCK, options: ControllerOptions = {}): Promise<RolloutController> {
    const stored = await ports.store.load(lease.rolloutId);
    if (!stored) throw new Error(`${lease.environment}: rollout ${lease.rolloutId} has no journal`);
    return new RolloutController(ports, lease, stored, clock, options, await replayedJudge(ports.store, stored));
  }

  get record(): RolloutRecord {
    return this.stored.record;
  }

  get current(): StoredRollout {
    return this.stored;
  }

  async observe(): Promise<Observations> {
    const { ports, stored } = this;
    const now = this.clock.now();
    const { judging } = stored.record;
    const grid = judging.anchor === null ? null : { anchor: judging.anchor, intervalSeconds: stored.spec.schedule.intervalSeconds, watermark: judging.watermark, settleSeconds: stored.spec.limits.metricsSettleSeconds };
    const [trafficState, listener, fleets, targets, alarms, commands, datapoints] = await Promise.all([
      ports.trafficState.read(),
      ports.router.read(),
      ports.fleets.capacity(),
      ports.fleets.targetHealth(),
      ports.alarms.read(),
      ports.store.commands(stored.spec.rolloutId, stored.record.commandsApplied),
      grid ? ports.metrics.read(metricsQueryStart(grid, MAX_METRIC_PERIOD_SECONDS), Math.floor(now.getTime() / 1000)) : Promise.resolve([]),
    ]);
    return { now, trafficState, listener, fleets, targets, alarms, commands, datapoints };
  }

  /** One step: observe, reconcile, journal (fenced), act, notify. */
  async tick(): Promise<ReconcileResult> {
    const { spec } = this.stored;
    try {
      const observations = await this.observe();
      const result = reconcile({ spec, record: this.stored.record, observations, judge: this.judge });
      const changed = result.events.length > 0 || result.judged.length > 0 || JSON.stringify(result.record) !== JSON.stringify(this.stored.record);
      if (changed) {
        try {
          this.stored = await this.ports.store.commit(this.lease, this.stored, { record: result.record, events: result.events, intervals: result.judged });
        } catch (error) {
          // The judge saw intervals the journal does not hold: rebuild it from the journal.
          this.judge = await replayedJudge(this.ports.store, this.stored);
          throw error;
        }
      }
      for (const event of result.events) this.options.onEvent?.(event);
      await this.act(result.actions);
      await this.notify(result.events);
      if (result.record.stage === 'done') await this.ports.store.release(this.lease);
      else await this.ports.store.renew(this.lease, this.options.leaseSeconds ?? 120);
      this.options.onTick?.(this.stored);
      return result;
    } catch (error) {
      if (isCredentialsError(error)) throw new CredentialsExpiredError(spec.rolloutId, error as Error);
      throw error;
    }
  }

  private async act(actions: readonly RolloutAction[]): Promise<void> {
    const { ports } = this;
    // In order, stopping at the first failure: the listener is never written for a traffic state that was not.
    for (const action of actions) {
      if (action.type === 'write-ami-parameter') await ports.amis.write(action.colour, action.amiId);
      else if (action.type === 'write-traffic-state') await ports.trafficState.write(action.state);
      else if (action.type === 'write-listener') await ports.router.write(action.actions);
      else await ports.fleets.setCapacity(action.colour, action.desired, action.minSize);
    }
  }

  private async notify(events: readonly RolloutEvent[]): Promise<void> {
    if (!this.ports.notifier) return;
    for (const event of events.filter((e) => e.notify)) {
      try {
        await this.ports.notifier.publish(event);
      } catch (error) {
        // A notification is not worth stopping a rollback for; the journal has the event.
        if (isCredentialsError(error)) throw error;
      }
    }
  }

  /**
   * Runs until the rollout is done. A step that wrote traffic is read back on the next step at once;
   * a warm-up sleeps in the SDK's target-in-service waiter until its targets are healthy; otherwise one
   * step per `tickSeconds`.
   */
  async run(): Promise<StoredRollout> {
    const tickSeconds = this.options.tickSeconds ?? 10;
    const done = () => this.stored.record.stage === 'done';
    while (!done()) {
      const result = await this.tick();
      if (done()) break;
      if (result.actions.some((a) => a.type === 'write-listener')) continue;
      // Until the targets are healthy the SDK's waiter sleeps; while they must stay healthy, the tick does.
      if (this.stored.record.stage === 'warm-up' && this.stored.record.capacity && !this.stored.record.capacity.targetsHealthySince) {
        await this.ports.fleets.waitUntilHealthy(this.stored.spec.canary, tickSeconds);
        continue;
      }
      await this.clock.sleep(tickSeconds * 1000);
    }
    return this.stored;
  }
}

async function replayedJudge(store: RolloutStore, stored: StoredRollout): Promise<CanaryJudge> {
  const judge = new CanaryJudge(stored.spec.metricSources, stored.spec.schedule.intervalSeconds, stored.spec.routing.policy.stickinessSeconds);
  const watermark = stored.record.judging.watermark ?? -Infinity;
  judge.replay((await store.intervals(stored.spec.rolloutId)).filter((interval) => interval.end <= watermark).map((interval) => interval.observation));
  return judge;
}

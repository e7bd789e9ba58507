import { renderListenerActions, type FleetColour, type ListenerActions, type TrafficState, type Writer } from '@canaryfleet/traffic-state';
import type { RolloutAction } from './actions';
import type { CanaryJudge } from './canary-judge';
import { NOTIFIED_REASONS, severityOf, type EventReason, type RolloutEvent } from './events';
import type { JudgedInterval } from './judged-interval';
import type { Observations } from './observations';
import type { RolloutRecord } from './record';
import type { RolloutSpec } from './spec';

/** Who the operator writes the traffic state as (`updatedBy`). */
export const OPERATOR_WRITER = 'canary-operator';

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** One reconcile step in the making: the record as it changes, and the actions and events it produces. */
export class Tick {
  readonly actions: RolloutAction[] = [];
  readonly events: RolloutEvent[] = [];
  readonly judged: JudgedInterval[] = [];

  constructor(
    readonly spec: RolloutSpec,
    public record: RolloutRecord,
    readonly observed: Observations,
    readonly judge: CanaryJudge,
  ) {}

  get now(): string {
    return isoSeconds(this.observed.now);
  }

  get nowSeconds(): number {
    return Math.floor(this.observed.now.getTime() / 1000);
  }

  secondsSince(iso: string): number {
    return this.nowSeconds - epochSeconds(iso);
  }

  get writer(): Writer {
    return { at: this.observed.now, by: OPERATOR_WRITER };
  }

  /** The fleet this rollout runs its release on. */
  get canary(): FleetColour {
    return this.spec.canary;
  }

  get stable(): FleetColour {
    return this.canary === 'blue' ? 'green' : 'blue';
  }

  /** The share the listener carries now (verified). */
  get share(): number {
    return this.record.trafficState?.canaryPerMille ?? 0;
  }

  update(change: Partial<RolloutRecord>): void {
    this.record = { ...this.record, ...change };
  }

  render(state: TrafficState): ListenerActions {
    return renderListenerActions(state, this.spec.routing.targets, this.spec.routing.policy);
  }

  emit(reason: EventReason, message: string, data?: Record<string, unknown>): void {
    this.events.push({
      at: this.now,
      rolloutId: this.spec.rolloutId,
      reason,
      severity: severityOf(reason),
      message,
      step: this.record.stepIndex,
      canaryPerMille: this.share,
      notify: NOTIFIED_REASONS.has(reason),
      ...(data ? { data } : {}),
    });
  }

  /** Pauses unless already paused for the same reason (level-triggered: a lasting cause pauses once). */
  pause(reason: string, by = OPERATOR_WRITER): void {
    if (this.record.paused?.reason === reason) return;
    this.update({ paused: { reason, since: this.now, by } });
    this.emit('Paused', `Paused: ${reason}`, { by });
  }
}

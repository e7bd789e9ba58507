import type { RolloutEvent } from '@canaryfleet/rollout';
import { formatShare } from '@canaryfleet/traffic-state';

/** One line per event, for logs and pipes: time, environment, rollout, reason, where, message. */
export function eventLine(environment: string, event: RolloutEvent): string {
  const where = event.step >= 0 ? ` step ${event.step + 1} at ${formatShare(event.canaryPerMille)}` : '';
  return `${event.at} ${environment} ${event.rolloutId} ${event.reason}${where}: ${event.message}`;
}

/** `--json`: one object per line, `{"type":"event","environment":...,<the event>}` (docs/rollout.md). */
export function eventJson(environment: string, event: RolloutEvent): string {
  return JSON.stringify({ type: 'event', environment, ...event });
}

import type { FleetColour, ListenerActions, TrafficState } from '@canaryfleet/traffic-state';

/**
 * What `reconcile` asks the controller to do, in order; the controller stops at the first that fails
 * and the next tick's read-back decides again. Notifications follow from events (`notify`).
 */
export type RolloutAction =
  /** The per-fleet AMI parameter the canary fleet's launch template resolves (written when a release starts). */
  | { readonly type: 'write-ami-parameter'; readonly colour: FleetColour; readonly amiId: string }
  | { readonly type: 'write-traffic-state'; readonly state: TrafficState }
  | { readonly type: 'write-listener'; readonly actions: ListenerActions }
  /** The fleet's desired capacity and its floor (ADR 0004: the operator owns both after creation). */
  | { readonly type: 'set-capacity'; readonly colour: FleetColour; readonly desired: number; readonly minSize: number };

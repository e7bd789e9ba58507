import { canaryColour, type TrafficState } from './document';
import type { FleetColour } from './fleet-colour';
import { albWeights } from './share';
import { TrafficStateError } from './errors';

/**
 * Group stickiness of the weighted forward while a canary runs (docs/traffic-state.md, "Stickiness"):
 * longer than a chat session's burst of requests, far shorter than a rollout's steps. ALB allows up to
 * 604800 s; the project allows at most 900 s, so a sticky client is re-split several times per rollout
 * and the judge's clustering benchmark (issue 11) covers every allowed value with 300 s and 900 s.
 */
export const MIN_STICKINESS_SECONDS = 1;
export const DEFAULT_STICKINESS_SECONDS = 300;
export const MAX_STICKINESS_SECONDS = 900;

/** A listener or rule action in the ELBv2 API's own shape, so the controller sends it unchanged. */
export type ElbAction =
  | {
      readonly Type: 'forward';
      readonly TargetGroupArn?: string;
      readonly ForwardConfig?: {
        readonly TargetGroups: readonly { readonly TargetGroupArn: string; readonly Weight: number }[];
        readonly TargetGroupStickinessConfig: { readonly Enabled: boolean; readonly DurationSeconds?: number };
      };
    }
  | {
      readonly Type: 'fixed-response';
      readonly FixedResponseConfig: { readonly StatusCode: string; readonly ContentType: string; readonly MessageBody: string };
    };

/** An action as DescribeListeners / DescribeRules return it (AWS adds fields, omits others). */
export interface ObservedAction {
  readonly Type?: string;
  readonly Order?: number;
  readonly TargetGroupArn?: string;
  readonly ForwardConfig?: {
    readonly TargetGroups?: readonly { readonly TargetGroupArn?: string; readonly Weight?: number }[];
    readonly TargetGroupStickinessConfig?: { readonly Enabled?: boolean; readonly DurationSeconds?: number };
  };
  readonly FixedResponseConfig?: { readonly StatusCode?: string; readonly ContentType?: string; readonly MessageBody?: string };
}

/** The target groups a listener forwards to, by fleet colour (ARNs). */
export interface RoutingTargets {
  /** Groups of the weighted default action: the only traffic the judge reads. */
  readonly weighted: Readonly<Record<FleetColour, string>>;
  /** Groups of the header overrides, registered by the same fleets: header traffic is never judged. */
  readonly pinned: Readonly<Record<FleetColour, string>>;
}

/** What an environment's routing is configured with; the operator reads it from the outputs file. */
export interface RoutingPolicy {
  readonly environment: string;
  /** Group stickiness of the weighted forward while a canary runs, seconds (1..900). */
  readonly stickinessSeconds: number;
  /** The header override that pins a request to the canary, named in the "no canary" response. */
  readonly header: { readonly name: string; readonly canaryValue: string };
}

/** Every action the traffic state decides: the listener's default action and the header rules' actions. */
export interface ListenerActions {
  readonly defaultActions: readonly ElbAction[];
  readonly canaryHeaderActions: readonly ElbAction[];
  readonly stableHeaderActions: readonly ElbAction[];
}

export function noCanaryMessage(policy: RoutingPolicy): string {
  return `No canary is running in ${policy.environment}: ${policy.header.name}: ${policy.header.canaryValue} has no fleet to reach.\n`;
}

function forwardTo(arn: string): ElbAction {
  return { Type: 'forward', TargetGroupArn: arn };
}

/**
 * The exact actions for a traffic state (docs/traffic-state.md):
 * - default: a weighted forward with group stickiness only while a canary receives a share; in every
 *   other phase a forward to the single stable group, because stickiness cannot hold a client on a group
 *   that is not in the action (a sticky client stays on a weight-0 group).
 * - header rules: to the pinned groups; `canary` answers a fixed 404 whenever no canary runs.
 */
export function renderListenerActions(state: TrafficState, targets: RoutingTargets, policy: RoutingPolicy): ListenerActions {
  const { stickinessSeconds } = policy;
  if (!Number.isInteger(stickinessSeconds) || stickinessSeconds < MIN_STICKINESS_SECONDS || stickinessSeconds > MAX_STICKINESS_SECONDS) {
    throw new TrafficStateError('stickinessSeconds', stickinessSeconds, `an integer from ${MIN_STICKINESS_SECONDS} to ${MAX_STICKINESS_SECONDS} seconds`);
  }
  const stable = state.stable;
  const canary = canaryColour(state);
  const weighted = state.phase === 'canary' && state.canaryPerMille > 0;
  let defaultAction: ElbAction = forwardTo(targets.weighted[stable]);
  if (weighted) {
    const weights = albWeights(state.canaryPerMille);
    defaultAction = {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: targets.weighted[stable], Weight: weights.stable },
          { TargetGroupArn: targets.weighted[canary], Weight: weights.canary },
        ],
        TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: stickinessSeconds },
      },
    };
  }
  const canaryHeader: ElbAction =
    state.phase === 'canary'
      ? forwardTo(targets.pinned[canary])
      : // A clear 404 rather than a 503 from an empty group, which would also page as an ALB 5xx.
        { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: noCanaryMessage(policy) } };
  return { defaultActions: [defaultAction], canaryHeaderActions: [canaryHeader], stableHeaderActions: [forwardTo(targets.pinned[stable])] };
}

/** The meaning of an action, independent of how AWS spells it (TargetGroupArn vs a one-group ForwardConfig). */
export type CanonicalAction =
  | { readonly type: 'forward'; readonly targets: readonly { readonly arn: string; readonly weight: number }[]; readonly stickinessSeconds: number | null }
  | { readonly type: 'fixed-response'; readonly statusCode: string; readonly contentType: string; readonly messageBody: string }
  | { readonly type: 'other'; readonly json: string };

export function canonicalAction(action: ObservedAction): CanonicalAction {
  if (action.Type === 'forward') {
    const groups = action.ForwardConfig?.TargetGroups?.length
      ? action.ForwardConfig.TargetGroups.map((g) => ({ arn: g.TargetGroupArn ?? '', weight: g.Weight ?? 1 }))
      : [{ arn: action.TargetGroupArn ?? '', weight: 1 }];
    // With one group its weight means nothing but "receives traffic" (AWS reports 1 for TargetGroupArn).
    const targets = groups.length === 1 && groups[0].weight > 0 ? [{ arn: groups[0].arn, weight: 1 }] : [...groups].sort((a, b) => a.arn.localeCompare(b.arn));
    const stickiness = action.ForwardConfig?.TargetGroupStickinessConfig;
    return { type: 'forward', targets, stickinessSeconds: stickiness?.Enabled ? (stickiness.DurationSeconds ?? null) : null };
  }
  if (action.Type === 'fixed-response') {
    const config = action.FixedResponseConfig ?? {};
    return { type: 'fixed-response', statusCode: config.StatusCode ?? '', contentType: config.ContentType ?? '', messageBody: config.MessageBody ?? '' };
  }
  return { type: 'other', json: JSON.stringify(action) };
}

/** The name of a target group from its ARN (`...:targetgroup/<name>/<id>`), for people. */
export function targetGroupName(arn: string): string {
  return /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}

/** One line a person can read: "forward to cf-dev-blue 950, cf-dev-green 50, sticky 300 s". */
export function describeAction(action: ObservedAction): string {
  const canonical = canonicalAction(action);
  if (canonical.type === 'forward') {
    const groups = canonical.targets.length === 1 ? targetGroupName(canonical.targets[0].arn) : canonical.targets.map((t) => `${targetGroupName(t.arn)} ${t.weight}`).join(', ');
    return `forward to ${groups}${canonical.stickinessSeconds === null ? '' : `, sticky ${canonical.stickinessSeconds} s`}`;
  }
  if (canonical.type === 'fixed-response') return `fixed-response ${canonical.statusCode}`;
  return canonical.json;
}

function describeActions(actions: readonly ObservedAction[]): string {
  return actions.length === 0 ? '(no action)' : actions.map(describeAction).join('; ');
}

function sameActions(a: readonly ObservedAction[], b: readonly ObservedAction[]): boolean {
  return a.length === b.length && a.every((action, i) => JSON.stringify(canonicalAction(action)) === JSON.stringify(canonicalAction(b[i])));
}

/** What a listener carries now, as read back; a header rule the environment does not have is undefined. */
export interface ObservedListener {
  readonly defaultActions: readonly ObservedAction[];
  readonly canaryHeaderActions?: readonly ObservedAction[];
  readonly stableHeaderActions?: readonly ObservedAction[];
}

/**
 * How the listener read back differs from the rendered actions, one sentence per place that differs
 * ("default action: expected forward to cf-dev-blue, found forward to cf-dev-blue 950, cf-dev-green 50,
 * sticky 300 s"); empty when they mean the same. Header rules that do not exist are not compared.
 */
export function listenerDifferences(expected: ListenerActions, observed: ObservedListener): string[] {
  const places: [string, readonly ObservedAction[], readonly ObservedAction[] | undefined][] = [
    ['default action', expected.defaultActions, observed.defaultActions],
    ['canary header rule', expected.canaryHeaderActions, observed.canaryHeaderActions],
    ['stable header rule', expected.stableHeaderActions, observed.stableHeaderActions],
  ];
  return places
    .filter(([, want, found]) => found !== undefined && !sameActions(want, found))
    .map(([place, want, found]) => `${place}: expected ${describeActions(want)}, found ${describeActions(found ?? [])}`);
}

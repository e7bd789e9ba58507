import { parseStoredTrafficState, type StoredTrafficState } from '@canaryfleet/traffic-state';
import type { PlanJson } from './plan-json';

/**
 * What the plan says about traffic right now: the traffic-state document as terraform refreshed it
 * (DESIGN.md #3; its planned value is the current one, because terraform ignores later changes to it),
 * and the resources changed outside Terraform since the last apply. While a rollout runs, the rollout
 * operator changes the traffic state and the listener: reviewers should see that, not be alarmed by it.
 */
export interface TrafficContext {
  /** The traffic-state document (libs/traffic-state, current or a version 1 not adopted yet), when the stack has one and it is valid. */
  readonly trafficState?: StoredTrafficState;
  /**
   * Addresses changed outside Terraform in an attribute this plan reads: `resource_drift` limited to
   * `relevant_attributes`, as terraform's own "Objects have changed outside of Terraform" note is.
   */
  readonly drift: readonly string[];
}

/** The traffic-state parameter's name ends so (libs/traffic-state `trafficStateParameterName`). */
export const TRAFFIC_STATE_NAME = /\/traffic-state$/;

function currentTrafficState(plan: PlanJson): StoredTrafficState | undefined {
  const parameter = (plan.resource_changes ?? []).find((change) => {
    const after = change.change.after as { name?: unknown } | null;
    return change.mode === 'managed' && change.type === 'aws_ssm_parameter' && typeof after?.name === 'string' && TRAFFIC_STATE_NAME.test(after.name);
  });
  const document = (parameter?.change.after as { insecure_value?: unknown } | null)?.insecure_value;
  if (typeof document !== 'string') return undefined;
  try {
    return parseStoredTrafficState(document, 'the traffic-state parameter');
  } catch {
    // Invalid: the listener's preconditions stop the plan and say why; the review has nothing to show.
    return undefined;
  }
}

/** Top-level attributes whose value differs between the two sides of a drift entry. */
function changedAttributes(before: unknown, after: unknown): string[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((key) => JSON.stringify(b[key] ?? null) !== JSON.stringify(a[key] ?? null));
}

export function trafficContextOfPlan(plan: PlanJson): TrafficContext {
  // Attributes other resources (or outputs) read, by resource: only their drift can move this plan.
  const relevant = new Map<string, Set<string>>();
  for (const { resource, attribute } of plan.relevant_attributes ?? []) {
    relevant.set(resource, (relevant.get(resource) ?? new Set()).add(String(attribute[0])));
  }
  return {
    trafficState: currentTrafficState(plan),
    drift: (plan.resource_drift ?? [])
      .filter((change) => change.mode === 'managed')
      .filter((change) => changedAttributes(change.change.before, change.change.after).some((key) => relevant.get(change.address)?.has(key)))
      .map((change) => change.address)
      .sort(),
  };
}

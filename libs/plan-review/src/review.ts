import { outputChangesOfPlan, type OutputChange } from './output-change';
import type { PlanJson } from './plan-json';
import { PlanInputError } from './plan-json';
import { resourceChangesOfPlan, type ResourceChange } from './resource-change';
import type { Risk } from './risk';
import { risksOf } from './rules';
import { countChanges, hasChanges, type ChangeCounts } from './summary';
import { trafficContextOfPlan, type TrafficContext } from './traffic-context';

/** What a review says about one stack. */
export interface StackReview {
  readonly stack: string;
  readonly counts: ChangeCounts;
  /** Every resource that changes (no-ops left out), in address order. */
  readonly changes: readonly ResourceChange[];
  readonly risks: readonly Risk[];
  /** Root-module outputs that change, by name. */
  readonly outputs: readonly OutputChange[];
  /** From a saved plan only: the traffic state and the drift terraform saw. */
  readonly traffic?: TrafficContext;
}

export type ReviewOutcome = 'no-changes' | 'changes' | 'risky-changes';

/** The review of one environment: a saved plan per stack, or a synth diff per stack. */
export interface Review {
  readonly environment: string;
  readonly source: 'plan' | 'synth-diff';
  /** For a synth diff: the git ref compared against. */
  readonly baseRef?: string;
  readonly stacks: readonly StackReview[];
  readonly outcome: ReviewOutcome;
}

/** Exit codes of the plan-review CLI, in the spirit of `terraform plan -detailed-exitcode`. */
export const EXIT_CODES = { noChanges: 0, error: 1, changes: 2, riskyChanges: 3 } as const;

export function exitCodeOf(outcome: ReviewOutcome): number {
  return outcome === 'risky-changes' ? EXIT_CODES.riskyChanges : outcome === 'changes' ? EXIT_CODES.changes : EXIT_CODES.noChanges;
}

export function reviewStack(stack: string, changes: readonly ResourceChange[], outputs: readonly OutputChange[] = []): StackReview {
  const sorted = [...changes].sort((a, b) => a.address.localeCompare(b.address));
  return { stack, counts: countChanges(sorted), changes: sorted.filter((change) => change.kind !== 'no-op'), risks: risksOf(sorted), outputs };
}

export function outcomeOf(stacks: readonly StackReview[]): ReviewOutcome {
  if (stacks.some((stack) => stack.risks.length > 0)) return 'risky-changes';
  // A changed output alone is a change: apply writes it, and the tools that read outputs see it.
  return stacks.some((stack) => hasChanges(stack.counts) || stack.outputs.length > 0) ? 'changes' : 'no-changes';
}

export interface StackPlan {
  readonly stack: string;
  readonly plan: PlanJson;
}

/** Reviews the saved plans of an environment's stacks. */
export function reviewPlans(environment: string, plans: readonly StackPlan[]): Review {
  if (plans.length === 0) throw new PlanInputError(`environment ${environment}: no plans to review; expected one saved plan's JSON per stack`);
  const errored = plans.filter(({ plan }) => plan.errored === true).map(({ stack }) => stack);
  if (errored.length > 0) {
    throw new PlanInputError(`environment ${environment}: the plan of stack(s) ${errored.join(', ')} errored; a failed plan cannot be reviewed or applied`);
  }
  const stacks = plans.map(({ stack, plan }) => ({ ...reviewStack(stack, resourceChangesOfPlan(plan), outputChangesOfPlan(plan)), traffic: trafficContextOfPlan(plan) }));
  return { environment, source: 'plan', stacks, outcome: outcomeOf(stacks) };
}

// Plan review: terraform plan JSON (or two synthesized cdk.tf.json documents) in, risks, counts and
// pull-request Markdown out. Pure: no terraform, no AWS, no file system.
export { parsePlanJson, PlanInputError, type PlanJson, type PlanResourceChange, type PlanChange, type PlanAction } from './plan-json';
export { resourceChangesOfPlan, changeKind, type ResourceChange, type ChangeKind } from './resource-change';
export { countChanges, describeCounts, hasChanges, type ChangeCounts } from './summary';
export { maskValue, SENSITIVE, UNKNOWN } from './sensitive';
export { attributeChanges, type AttributeChange } from './attribute-diff';
export type { Risk, RiskRule, RiskRuleId } from './risk';
export { RISK_RULES, risksOf } from './rules';
export { STATEFUL_TYPES } from './rules/stateful-resources';
export { reviewPlans, reviewStack, outcomeOf, exitCodeOf, EXIT_CODES, type Review, type StackReview, type StackPlan, type ReviewOutcome } from './review';
export { diffSynthesized, reviewSynthDiff, type SynthesizedStack, type StackSynthPair } from './synth-diff';
export { outputChangesOfPlan, diffOutputs, type OutputChange } from './output-change';
export { decodeUserData } from './user-data';
export { renderReview, reviewMarker, type RenderOptions } from './markdown';
export { trafficContextOfPlan, type TrafficContext } from './traffic-context';

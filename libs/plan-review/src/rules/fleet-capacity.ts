import { attributeChanges } from '../attribute-diff';
import { show, type Risk, type RiskRule } from '../risk';

/** Attributes whose change alters what a fleet costs or how much it can serve. */
const CAPACITY: Readonly<Record<string, RegExp>> = {
  aws_launch_template: /^instance_type$|^instance_requirements\b/,
  aws_instance: /^instance_type$/,
  aws_autoscaling_group: /^(min_size|max_size|desired_capacity)$|\.instance_type$/,
};

/** Instance type or capacity changes on fleets (the GPU bill and the serving capacity). */
export const fleetCapacityRules: RiskRule = (change) => {
  const pattern = CAPACITY[change.type];
  // A fleet created or deleted as a whole is a topology change, reviewed by the counts and the stateful rules.
  if (!pattern || (change.kind !== 'update' && change.kind !== 'replace')) return [];
  return attributeChanges(change)
    .filter((item) => pattern.test(item.path))
    .map((item): Risk => ({ rule: 'fleet-capacity', address: change.address, attribute: item.path, reason: `${item.path}: ${show(item.before)} → ${show(item.after)}` }));
};

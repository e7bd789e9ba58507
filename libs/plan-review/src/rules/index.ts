import type { Risk, RiskRule } from '../risk';
import type { ResourceChange } from '../resource-change';
import { fleetCapacityRules } from './fleet-capacity';
import { iamWideningRules } from './iam-widening';
import { listenerRoutingRules } from './listener-routing';
import { networkExposureRules } from './network-exposure';
import { policyWideningRules } from './policy-widening';
import { protectionRules } from './protection';
import { statefulResourceRules } from './stateful-resources';
import { trafficStateRules } from './traffic-state';

/** Every family of risk rules, in the order their findings are listed. */
export const RISK_RULES: readonly RiskRule[] = [
  statefulResourceRules,
  networkExposureRules,
  iamWideningRules,
  policyWideningRules,
  fleetCapacityRules,
  listenerRoutingRules,
  trafficStateRules,
  protectionRules,
];

export function risksOf(changes: readonly ResourceChange[]): Risk[] {
  return changes.filter((change) => change.kind !== 'no-op').flatMap((change) => RISK_RULES.flatMap((rule) => rule(change, changes)));
}

import { attribute } from '../risk';
import type { RiskRule } from '../risk';
import { TRAFFIC_STATE_NAME } from '../traffic-context';

/**
 * Creating the traffic-state parameter in an environment whose listener already exists means the
 * parameter was deleted (its history with it): applying would write revision 1 (idle, blue stable) while
 * the listener may route elsewhere. Restore it first (docs/traffic-state.md, "Recovery").
 */
export const trafficStateRules: RiskRule = (change, all) => {
  if (change.type !== 'aws_ssm_parameter' || change.kind !== 'create') return [];
  const name = attribute(change.after, 'name');
  if (typeof name !== 'string' || !TRAFFIC_STATE_NAME.test(name)) return [];
  const servingListener = all.find((other) => other.type === 'aws_lb_listener' && other.kind !== 'create' && other.kind !== 'delete');
  if (!servingListener) return [];
  return [
    {
      rule: 'traffic-state-recreated',
      address: change.address,
      reason: `creates ${name} as revision 1 (idle, blue stable) although ${servingListener.address} already serves traffic: the parameter was deleted; restore the latest revision from the operator's journal first (docs/traffic-state.md, Recovery)`,
    },
  ];
};

import type { Risk, RiskRule } from '../risk';

/**
 * Resources that carry traffic or hold state: replacing or deleting one drops connections, loses data
 * or breaks the rollout controller's traffic state (DESIGN.md #3).
 */
const WHY: Readonly<Record<string, string>> = {
  aws_lb: 'the load balancer carries all traffic',
  aws_lb_listener: 'a listener carries traffic',
  aws_lb_listener_rule: 'a listener rule routes traffic',
  aws_lb_target_group: 'a target group carries a fleet\'s traffic',
  aws_autoscaling_group: 'an ASG holds a fleet\'s instances',
  aws_launch_template: 'fleets boot from the launch template',
  aws_s3_bucket: 'a bucket holds state, logs or models',
  aws_ssm_parameter: 'a parameter holds state (the traffic state)',
  aws_vpc: 'everything runs in the VPC',
  aws_subnet: 'instances and the load balancer run in subnets',
  aws_nat_gateway: 'egress of the fleets goes through NAT',
  aws_eip: 'the public address changes',
  aws_cloudwatch_log_group: 'a log group holds logs',
};

export const STATEFUL_TYPES: ReadonlySet<string> = new Set(Object.keys(WHY));

export const statefulResourceRules: RiskRule = (change) => {
  if (!STATEFUL_TYPES.has(change.type)) return [];
  if (change.kind === 'delete') {
    return [{ rule: 'stateful-replace-or-delete', address: change.address, reason: `deleted: ${WHY[change.type]}` }];
  }
  if (change.kind === 'update' && change.replacementUnknown) {
    return [{ rule: 'stateful-replace-or-delete', address: change.address, reason: `may be replaced: a synth diff cannot know which changes force a new resource (a plan does); ${WHY[change.type]}` }];
  }
  if (change.kind !== 'replace') return [];
  if (change.replacePaths.length === 0) {
    return [{ rule: 'stateful-replace-or-delete', address: change.address, reason: `replaced: ${WHY[change.type]}` }];
  }
  return change.replacePaths.map(
    (path): Risk => ({ rule: 'stateful-replace-or-delete', address: change.address, attribute: path, reason: `replaced because ${path} changed: ${WHY[change.type]}` }),
  );
};

import { attribute, list, producesResource, show, type Risk, type RiskRule } from '../risk';
import type { ResourceChange } from '../resource-change';

const WORLD = new Set(['0.0.0.0/0', '::/0']);

function worldCidrs(values: unknown): string[] {
  return (Array.isArray(values) ? values : [values]).filter((cidr): cidr is string => typeof cidr === 'string' && WORLD.has(cidr));
}

function ports(rule: unknown): string {
  const protocol = attribute(rule, 'protocol') ?? attribute(rule, 'ip_protocol');
  if (protocol === '-1' || protocol === 'all') return 'all traffic';
  return `${show(protocol)} ${show(attribute(rule, 'from_port'))}-${show(attribute(rule, 'to_port'))}`;
}

/** World-open CIDRs of one ingress rule, as `attribute -> cidr` pairs. */
function openings(rule: unknown, prefix: string, fields: readonly string[]): [string, string][] {
  return fields.flatMap((field) => worldCidrs(attribute(rule, field)).map((cidr): [string, string] => [`${prefix}${field}`, cidr]));
}

const RULE_FIELDS = ['cidr_blocks', 'ipv6_cidr_blocks'];
const VPC_RULE_FIELDS = ['cidr_ipv4', 'cidr_ipv6'];

function inlineIngress(change: ResourceChange): Risk[] {
  const before = new Set(list(change.before, 'ingress').flatMap((rule) => openings(rule, '', RULE_FIELDS).map(([, cidr]) => `${ports(rule)} ${cidr}`)));
  return list(change.after, 'ingress').flatMap((rule, i) =>
    openings(rule, `ingress[${i}].`, RULE_FIELDS)
      .filter(([, cidr]) => !before.has(`${ports(rule)} ${cidr}`))
      .map(([path, cidr]): Risk => ({ rule: 'world-open-ingress', address: change.address, attribute: path, reason: `opens ingress ${ports(rule)} to ${cidr}` })),
  );
}

function standaloneRule(change: ResourceChange, fields: readonly string[]): Risk[] {
  if (change.type === 'aws_security_group_rule' && attribute(change.after, 'type') !== 'ingress') return [];
  const before = new Set(openings(change.before, '', fields).map(([, cidr]) => `${ports(change.before)} ${cidr}`));
  return openings(change.after, '', fields)
    .filter(([, cidr]) => !before.has(`${ports(change.after)} ${cidr}`))
    .map(([path, cidr]): Risk => ({ rule: 'world-open-ingress', address: change.address, attribute: path, reason: `opens ingress ${ports(change.after)} to ${cidr}` }));
}

/**
 * Ingress newly open to 0.0.0.0/0 or ::/0, in inline rules and in standalone rule resources. Egress to
 * the world is not flagged: least-privilege egress is a construct concern, not a review-time surprise.
 */
export const networkExposureRules: RiskRule = (change) => {
  if (!producesResource(change)) return [];
  switch (change.type) {
    case 'aws_security_group':
    case 'aws_default_security_group':
      return inlineIngress(change);
    case 'aws_security_group_rule':
      return standaloneRule(change, RULE_FIELDS);
    case 'aws_vpc_security_group_ingress_rule':
      return standaloneRule(change, VPC_RULE_FIELDS);
    default:
      return [];
  }
};

import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing } from 'cdktf';
import { Network, subnetLayout, type NetworkProps } from '../src';

const props: NetworkProps = {
  environment: 'dev',
  region: 'us-east-1',
  vpcCidr: '10.10.0.0/16',
  azCount: 2,
  natGateways: 'single',
  flowLogRetentionDays: 30,
  listenerPorts: [80, 443],
  serverPort: 8080,
  pinnedPort: 8081,
};

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function synth(overrides: Partial<NetworkProps> = {}): { json: string; resources: Resources } {
  const json = Testing.synthScope((scope) => new Network(scope, 'network', { ...props, ...overrides }));
  return { json, resources: (JSON.parse(json) as { resource: Resources }).resource };
}

const count = (resources: Resources, type: string) => Object.keys(resources[type] ?? {}).length;

describe('Network', () => {
  test('a VPC with DNS, pinned at a stable address', () => {
    const { json, resources } = synth();
    expect(json).toHaveResourceWithProperties(Vpc, { cidr_block: '10.10.0.0/16', enable_dns_hostnames: true, enable_dns_support: true });
    expect(Object.keys(resources.aws_vpc)).toEqual(['network_vpc']);
  });

  test('public and private subnets per AZ, none assigning public IPs', () => {
    const { json, resources } = synth({ azCount: 3 });
    expect(count(resources, 'aws_subnet')).toBe(6);
    expect(Object.keys(resources.aws_subnet).sort()).toEqual([
      'network_private_subnet_0',
      'network_private_subnet_1',
      'network_private_subnet_2',
      'network_public_subnet_0',
      'network_public_subnet_1',
      'network_public_subnet_2',
    ]);
    expect(json).toHaveResourceWithProperties(Subnet, { cidr_block: '10.10.0.0/19', map_public_ip_on_launch: false });
    expect(json).toHaveResourceWithProperties(Subnet, { cidr_block: '10.10.128.0/19', map_public_ip_on_launch: false });
    expect(Object.values(resources.aws_subnet).every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  test('one NAT gateway in single mode, one per AZ in per-az mode', () => {
    expect(count(synth({ natGateways: 'single', azCount: 3 }).resources, 'aws_nat_gateway')).toBe(1);
    expect(count(synth({ natGateways: 'per-az', azCount: 3 }).resources, 'aws_nat_gateway')).toBe(3);
  });

  test('each private subnet routes through its own NAT gateway in per-az mode', () => {
    const { resources } = synth({ natGateways: 'per-az', azCount: 2 });
    const natRoutes = Object.values(resources.aws_route).map((r) => r.nat_gateway_id).filter(Boolean);
    expect(new Set(natRoutes).size).toBe(2);
  });

  test('an S3 gateway endpoint on the private route tables', () => {
    const { json, resources } = synth();
    expect(json).toHaveResourceWithProperties(VpcEndpoint, { service_name: 'com.amazonaws.us-east-1.s3', vpc_endpoint_type: 'Gateway' });
    const endpoint = Object.values(resources.aws_vpc_endpoint)[0];
    expect(endpoint.route_table_ids).toHaveLength(2);
  });

  test('VPC flow logs of all traffic to CloudWatch Logs with retention', () => {
    const { json } = synth();
    expect(json).toHaveResourceWithProperties(FlowLog, { traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 30 });
  });

  test('the default security group has no rules', () => {
    const { json, resources } = synth();
    expect(json).toHaveResource(DefaultSecurityGroup);
    const group = Object.values(resources.aws_default_security_group)[0];
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
  });

  test('the fleets are reachable on the two server ports from the load balancer group only, and on nothing else', () => {
    const { json, resources } = synth();
    const fleetIngress = Object.values(resources.aws_vpc_security_group_ingress_rule).filter((r) => r.security_group_id === '${aws_security_group.network_fleet_security_group.id}');
    const byPort = (a: Record<string, unknown>, b: Record<string, unknown>) => (a.from_port as number) - (b.from_port as number);
    expect(fleetIngress.sort(byPort).map((r) => [r.from_port, r.to_port, r.referenced_security_group_id, r.cidr_ipv4])).toEqual([
      [8080, 8080, '${aws_security_group.network_alb_security_group.id}', undefined],
      [8081, 8081, '${aws_security_group.network_alb_security_group.id}', undefined],
    ]);
    for (const port of [8080, 8081]) {
      expect(json).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, { from_port: port, to_port: port, referenced_security_group_id: '${aws_security_group.network_fleet_security_group.id}' });
    }
    const albEgress = Object.values(resources.aws_vpc_security_group_egress_rule).filter((r) => r.security_group_id === '${aws_security_group.network_alb_security_group.id}');
    expect(albEgress.sort(byPort).map((r) => r.from_port)).toEqual([8080, 8081]);
  });

  test('the load balancer accepts exactly the listener ports', () => {
    const { json, resources } = synth({ listenerPorts: [80] });
    expect(json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { from_port: 80, to_port: 80, cidr_ipv4: '0.0.0.0/0' });
    const open = Object.values(resources.aws_vpc_security_group_ingress_rule).filter((r) => r.cidr_ipv4 === '0.0.0.0/0');
    expect(open.map((r) => r.from_port)).toEqual([80]);
  });

  test('every security group rule has a description', () => {
    const { resources } = synth();
    const rules = [...Object.values(resources.aws_vpc_security_group_ingress_rule), ...Object.values(resources.aws_vpc_security_group_egress_rule)];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(typeof rule.description === 'string' && rule.description.length > 10).toBe(true);
  });
});

describe('subnetLayout', () => {
  test('adding an AZ never renumbers an existing subnet', () => {
    const two = subnetLayout('10.10.0.0/16', 2);
    const three = subnetLayout('10.10.0.0/16', 3);
    expect(three.publicCidrs.slice(0, 2)).toEqual(two.publicCidrs);
    expect(three.privateCidrs.slice(0, 2)).toEqual(two.privateCidrs);
  });

  test('carves eighths of a /24', () => {
    expect(subnetLayout('10.0.5.0/24', 2)).toEqual({ publicCidrs: ['10.0.5.0/27', '10.0.5.32/27'], privateCidrs: ['10.0.5.128/27', '10.0.5.160/27'] });
  });

  test('rejects fewer than 2 AZs with the field, the value and the range', () => {
    expect(() => subnetLayout('10.0.0.0/16', 1)).toThrow('network.azCount = 1: must be an integer from 2 to 4 (an ALB needs subnets in at least 2 availability zones)');
  });

  test('rejects a malformed CIDR', () => {
    expect(() => subnetLayout('10.0.0.0', 2)).toThrow('network.vpcCidr = "10.0.0.0": must be an IPv4 CIDR block like 10.20.0.0/16');
  });
});

describe('Network on moto', () => {
  test('ignores the group reference moto reports in its own format, only for the local AWS', () => {
    const local = synth({ localAws: true }).resources;
    const real = synth().resources;
    const groupRules = (resources: Resources) =>
      [...Object.values(resources.aws_vpc_security_group_ingress_rule), ...Object.values(resources.aws_vpc_security_group_egress_rule)].filter((r) => r.referenced_security_group_id);
    expect(groupRules(local).map((r) => r.lifecycle)).toEqual(Array(4).fill({ ignore_changes: ['referenced_security_group_id', 'description'] }));
    expect(groupRules(real).map((r) => r.lifecycle)).toEqual(Array(4).fill(undefined));
  });
});

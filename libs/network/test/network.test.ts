import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing } from 'cdktf';
import { FLEET_ENDPOINT_SERVICES, Network, subnetLayout, ZoneOfferingCheck, type NetworkProps } from '../src';

const props: NetworkProps = {
  environment: 'dev',
  region: 'us-east-1',
  accountId: '111111111111',
  vpcCidr: '10.10.0.0/16',
  availabilityZones: { 'us-east-1a': 0, 'us-east-1b': 1 },
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

  const threeZones = { 'us-east-1a': 0, 'us-east-1b': 1, 'us-east-1c': 2 };

  test('public and private subnets per AZ, none assigning public IPs', () => {
    const { json, resources } = synth({ availabilityZones: threeZones });
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

  test('places each subnet in its configured zone by name, never by a position in the live zone list', () => {
    const { json, resources } = synth({ availabilityZones: { 'us-east-1c': 1, 'us-east-1a': 0 } });
    expect(resources.aws_subnet.network_public_subnet_0).toMatchObject({ availability_zone: 'us-east-1a', cidr_block: '10.10.0.0/19' });
    expect(resources.aws_subnet.network_private_subnet_1).toMatchObject({ availability_zone: 'us-east-1c', cidr_block: '10.10.160.0/19' });
    expect(json).not.toContain('aws_availability_zones');
  });

  test('replacing or retiring one zone leaves the other zones\' subnets, NAT gateways and routes where they are', () => {
    const before = synth({ availabilityZones: threeZones, natGateways: 'per-az' }).resources;
    const after = synth({ availabilityZones: { 'us-east-1a': 0, 'us-east-1d': 2 }, natGateways: 'per-az' }).resources;
    for (const type of ['aws_subnet', 'aws_nat_gateway', 'aws_eip', 'aws_route_table', 'aws_route', 'aws_route_table_association']) {
      const kept = Object.keys(after[type]).filter((address) => !/_2\b|-2-|_2$/.test(address));
      for (const address of kept) expect({ type, address, body: after[type][address] }).toEqual({ type, address, body: before[type][address] });
    }
    expect(after.aws_subnet.network_public_subnet_2).toMatchObject({ availability_zone: 'us-east-1d', cidr_block: '10.10.64.0/19' });
    expect(after.aws_subnet.network_public_subnet_1).toBeUndefined();
  });

  test('one NAT gateway in single mode, one per AZ in per-az mode', () => {
    expect(count(synth({ natGateways: 'single', availabilityZones: threeZones }).resources, 'aws_nat_gateway')).toBe(1);
    expect(count(synth({ natGateways: 'per-az', availabilityZones: threeZones }).resources, 'aws_nat_gateway')).toBe(3);
  });

  test('each private subnet routes through its own NAT gateway in per-az mode', () => {
    const { resources } = synth({ natGateways: 'per-az' });
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

  test("the flow-log role trusts only this account's flow logs (confused-deputy guard)", () => {
    const role = Object.values(synth().resources.aws_iam_role)[0];
    expect(JSON.parse(role.assume_role_policy as string)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' }, ArnLike: { 'aws:SourceArn': 'arn:aws:ec2:us-east-1:111111111111:vpc-flow-log/*' } },
        },
      ],
    });
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
  test('a zone\'s blocks depend on its slot only: adding a zone never renumbers another', () => {
    const two = subnetLayout('10.10.0.0/16', { 'us-east-1a': 0, 'us-east-1b': 1 });
    const three = subnetLayout('10.10.0.0/16', { 'us-east-1a': 0, 'us-east-1b': 1, 'us-east-1c': 2 });
    expect(three.slice(0, 2)).toEqual(two);
  });

  test('carves eighths of a /24, public blocks first, in slot order', () => {
    expect(subnetLayout('10.0.5.0/24', { 'eu-west-1b': 1, 'eu-west-1a': 0 })).toEqual([
      { zone: 'eu-west-1a', slot: 0, publicCidr: '10.0.5.0/27', privateCidr: '10.0.5.128/27' },
      { zone: 'eu-west-1b', slot: 1, publicCidr: '10.0.5.32/27', privateCidr: '10.0.5.160/27' },
    ]);
    expect(subnetLayout('10.10.0.0/16', { 'us-east-1a': 0, 'us-east-1d': 3 })[1]).toEqual({ zone: 'us-east-1d', slot: 3, publicCidr: '10.10.96.0/19', privateCidr: '10.10.224.0/19' });
  });

  test('rejects fewer than 2 zones, a slot out of range and a shared slot, naming the field and the value', () => {
    expect(() => subnetLayout('10.0.0.0/16', { 'us-east-1a': 0 })).toThrow('network.availabilityZones: 1 given: must name 2 to 4 zones (an ALB needs subnets in at least 2 availability zones)');
    expect(() => subnetLayout('10.0.0.0/16', { 'us-east-1a': 0, 'us-east-1b': 4 })).toThrow('network.availabilityZones.us-east-1b = 4: must be a subnet slot from 0 to 3');
    expect(() => subnetLayout('10.0.0.0/16', { 'us-east-1a': 1, 'us-east-1b': 1 })).toThrow('network.availabilityZones.us-east-1b = 1: must not share its subnet slot with us-east-1a');
  });

  test('rejects a malformed CIDR', () => {
    expect(() => subnetLayout('10.0.0.0', { 'us-east-1a': 0, 'us-east-1b': 1 })).toThrow('network.vpcCidr = "10.0.0.0": must be an IPv4 CIDR block like 10.20.0.0/16');
  });
});

describe('interface endpoints', () => {
  const egressOf = (resources: Resources) =>
    Object.values(resources.aws_vpc_security_group_egress_rule).filter((r) => r.security_group_id === '${aws_security_group.network_fleet_security_group.id}');

  test('without them the fleets reach the AWS APIs over HTTPS through the NAT gateway', () => {
    const { resources } = synth();
    expect(resources.aws_vpc_endpoint && Object.values(resources.aws_vpc_endpoint).filter((e) => e.vpc_endpoint_type === 'Interface')).toEqual([]);
    expect(egressOf(resources).map((r) => [r.from_port, r.cidr_ipv4])).toEqual([[443, '0.0.0.0/0']]);
  });

  test('with them every API the fleets call has a private endpoint in the fleets\' subnets, reachable from the fleets only', () => {
    const { resources } = synth({ interfaceEndpoints: true });
    const interfaces = Object.values(resources.aws_vpc_endpoint).filter((e) => e.vpc_endpoint_type === 'Interface');
    expect(interfaces.map((e) => e.service_name).sort()).toEqual(FLEET_ENDPOINT_SERVICES.map((service) => `com.amazonaws.us-east-1.${service}`).sort());
    expect(FLEET_ENDPOINT_SERVICES).toEqual(expect.arrayContaining(['ssm', 'ecr.api', 'ecr.dkr', 'monitoring', 'logs', 'sts', 'autoscaling']));
    for (const endpoint of interfaces) {
      expect(endpoint).toMatchObject({
        private_dns_enabled: true,
        subnet_ids: ['${aws_subnet.network_private_subnet_0.id}', '${aws_subnet.network_private_subnet_1.id}'],
        security_group_ids: ['${aws_security_group.network_endpoint_security_group.id}'],
      });
    }
    const endpointIngress = Object.values(resources.aws_vpc_security_group_ingress_rule).filter((r) => r.security_group_id === '${aws_security_group.network_endpoint_security_group.id}');
    expect(endpointIngress.map((r) => [r.from_port, r.referenced_security_group_id])).toEqual([[443, '${aws_security_group.network_fleet_security_group.id}']]);
  });

  test('with them the fleets\' egress is narrowed to the endpoints and S3 (gateway prefix list): nothing goes to the internet', () => {
    const { resources } = synth({ interfaceEndpoints: true });
    const egress = egressOf(resources);
    expect(egress.map((r) => [r.from_port, r.to_port, r.referenced_security_group_id ?? r.prefix_list_id])).toEqual([
      [443, 443, '${aws_security_group.network_endpoint_security_group.id}'],
      [443, 443, expect.stringMatching(/^\$\{aws_vpc_endpoint\.network_s3-endpoint_\w+\.prefix_list_id\}$/)],
    ]);
    expect(egress.some((r) => r.cidr_ipv4 !== undefined || r.cidr_ipv6 !== undefined)).toBe(false);
  });
});

describe('ZoneOfferingCheck', () => {
  test('asks which configured zones offer each instance type, and stops the plan naming the zones and the type', () => {
    const json = Testing.synthScope((scope) => new ZoneOfferingCheck(scope, 'check', { environment: 'prod', zones: ['us-east-1b', 'us-east-1a'], instanceTypes: ['g6.2xlarge', 'g6.2xlarge'] }));
    const data = (JSON.parse(json) as { data: Resources }).data.aws_ec2_instance_type_offerings;
    expect(Object.keys(data)).toEqual(['zone_offerings_g6_2xlarge']);
    expect(data.zone_offerings_g6_2xlarge).toEqual({
      location_type: 'availability-zone',
      filter: [
        { name: 'instance-type', values: ['g6.2xlarge'] },
        { name: 'location', values: ['us-east-1a', 'us-east-1b'] },
      ],
      lifecycle: {
        postcondition: [
          {
            condition: '${length(setsubtract(["us-east-1a", "us-east-1b"], self.locations)) == 0}',
            error_message:
              'network.availabilityZones of prod: ${join(", ", sort(setsubtract(["us-east-1a", "us-east-1b"], self.locations)))} do not offer instance type g6.2xlarge (fleet.instanceType). Choose zones that offer it: aws ec2 describe-instance-type-offerings --location-type availability-zone --filters Name=instance-type,Values=g6.2xlarge',
          },
        ],
      },
    });
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

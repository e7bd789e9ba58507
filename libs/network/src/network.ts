import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Construct } from 'constructs';
import { ServiceSecurityGroups } from './service-security-groups';
import { InterfaceEndpoints } from './interface-endpoints';
import { subnetLayout, type ZoneSubnets } from './subnet-layout';

export interface NetworkProps {
  /** Environment name, used in resource names. */
  readonly environment: string;
  /** AWS region, for the endpoints' service names and the flow-log role's source ARN. */
  readonly region: string;
  /** The account (a reference to the caller identity is fine): the flow-log role trusts its flow logs only. */
  readonly accountId: string;
  /** VPC CIDR, /16 to /24. */
  readonly vpcCidr: string;
  /** Availability zone name -> subnet slot 0..3, 2 to 4 zones (the slot fixes CIDR blocks and addresses). */
  readonly availabilityZones: Readonly<Record<string, number>>;
  /** `single` NAT gateway or one `per-az`. */
  readonly natGateways: 'single' | 'per-az';
  /** Days flow logs are kept in CloudWatch Logs. */
  readonly flowLogRetentionDays: number;
  /** Ports the load balancer accepts from the internet (HTTP redirect and HTTPS, or HTTP only). */
  readonly listenerPorts: readonly number[];
  /** Port the inference server listens on; only the load balancer reaches it. */
  readonly serverPort: number;
  /** Second server port (pinned target groups); only the load balancer reaches it. */
  readonly pinnedPort: number;
  /** Interface endpoints for the fleets' AWS APIs, with their egress narrowed to them and S3. @default false */
  readonly interfaceEndpoints?: boolean;
  /** The AWS API is moto (local environment), which needs small workarounds. @default false */
  readonly localAws?: boolean;
}

/**
 * The VPC of one environment: public subnets for the load balancer, private subnets for the fleets, in
 * the configured zones, NAT egress, an S3 gateway endpoint (model downloads must not pay NAT), optional
 * interface endpoints for the fleets' AWS APIs, flow logs, and the security groups that say who may talk
 * to whom. Every per-zone resource is addressed by its zone's slot, never by a position in a live list.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  /** The zones in slot order, as configured. */
  readonly zones: readonly ZoneSubnets[];
  readonly publicSubnets: readonly Subnet[];
  readonly privateSubnets: readonly Subnet[];
  readonly securityGroups: ServiceSecurityGroups;
  readonly interfaceEndpoints?: InterfaceEndpoints;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const name = `canaryfleet-${props.environment}`;
    this.zones = subnetLayout(props.vpcCidr, props.availabilityZones);

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: name },
    });
    this.vpc.overrideLogicalId('network_vpc');

    // CKV2_AWS_12: the default security group must allow nothing; resources use their own groups.
    new DefaultSecurityGroup(this, 'default-security-group', { vpcId: this.vpc.id, tags: { Name: `${name}-default-deny` } });

    const igw = new InternetGateway(this, 'igw', { vpcId: this.vpc.id, tags: { Name: name } });

    // Named by slot, as they always were (the slot was the zone's index): no existing subnet moves in state.
    const subnet = (tier: 'public' | 'private', { zone, slot }: ZoneSubnets, cidrBlock: string) => {
      const created = new Subnet(this, `${tier}-${slot}`, {
        vpcId: this.vpc.id,
        cidrBlock,
        availabilityZone: zone,
        // CKV_AWS_130: nothing launched here gets a public IP by accident; the ALB gets its own.
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-${tier}-${slot}`, Tier: tier },
      });
      created.overrideLogicalId(`network_${tier}_subnet_${slot}`);
      return created;
    };
    this.publicSubnets = this.zones.map((zone) => subnet('public', zone, zone.publicCidr));
    this.privateSubnets = this.zones.map((zone) => subnet('private', zone, zone.privateCidr));

    const publicRoutes = new RouteTable(this, 'public-routes', { vpcId: this.vpc.id, tags: { Name: `${name}-public` } });
    new Route(this, 'public-default-route', { routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id });
    this.publicSubnets.forEach((subnet, i) => new RouteTableAssociation(this, `public-${this.zones[i].slot}-routes`, { subnetId: subnet.id, routeTableId: publicRoutes.id }));

    // One NAT gateway per zone, or one in the zone of the lowest slot.
    const natZones = props.natGateways === 'per-az' ? this.zones.map((_, i) => i) : [0];
    const nats = natZones.map((i) => {
      const { slot } = this.zones[i];
      const eip = new Eip(this, `nat-${slot}-ip`, { domain: 'vpc', tags: { Name: `${name}-nat-${slot}` }, dependsOn: [igw] });
      eip.overrideLogicalId(`network_nat_eip_${slot}`);
      const nat = new NatGateway(this, `nat-${slot}`, { allocationId: eip.allocationId, subnetId: this.publicSubnets[i].id, tags: { Name: `${name}-${slot}` } });
      nat.overrideLogicalId(`network_nat_gateway_${slot}`);
      return nat;
    });

    const privateRoutes = this.privateSubnets.map((subnet, i) => {
      const { slot } = this.zones[i];
      const table = new RouteTable(this, `private-${slot}-routes`, { vpcId: this.vpc.id, tags: { Name: `${name}-private-${slot}` } });
      new Route(this, `private-${slot}-default-route`, { routeTableId: table.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nats[nats.length === 1 ? 0 : i].id });
      new RouteTableAssociation(this, `private-${slot}-association`, { subnetId: subnet.id, routeTableId: table.id });
      return table;
    });

    const s3 = new VpcEndpoint(this, 's3-endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: privateRoutes.map((table) => table.id),
      tags: { Name: `${name}-s3` },
    });

    this.enableFlowLogs(name, props);
    this.securityGroups = new ServiceSecurityGroups(this, 'security-groups', {
      name,
      vpcId: this.vpc.id,
      listenerPorts: props.listenerPorts,
      serverPort: props.serverPort,
      pinnedPort: props.pinnedPort,
      awsApis: props.interfaceEndpoints ? { via: 'endpoints', s3PrefixListId: s3.prefixListId } : { via: 'internet' },
      localAws: props.localAws,
    });
    const endpointGroup = this.securityGroups.endpoints;
    if (endpointGroup) {
      this.interfaceEndpoints = new InterfaceEndpoints(this, 'endpoints', {
        name,
        region: props.region,
        vpcId: this.vpc.id,
        subnetIds: this.privateSubnets.map((subnet) => subnet.id),
        securityGroupId: endpointGroup.id,
      });
    }
  }

  private enableFlowLogs(name: string, props: NetworkProps): void {
    const logGroup = new CloudwatchLogGroup(this, 'flow-logs', { name: `/canaryfleet/${name}/vpc-flow-logs`, retentionInDays: props.flowLogRetentionDays });
    logGroup.overrideLogicalId('network_flow_log_group');
    const role = new IamRole(this, 'flow-logs-role', {
      name: `${name}-vpc-flow-logs`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            // Confused-deputy guard: only this account's flow logs may have the service assume it.
            Condition: {
              StringEquals: { 'aws:SourceAccount': props.accountId },
              ArnLike: { 'aws:SourceArn': `arn:aws:ec2:${props.region}:${props.accountId}:vpc-flow-log/*` },
            },
          },
        ],
      }),
    });
    new IamRolePolicy(this, 'flow-logs-policy', {
      role: role.id,
      name: 'write-flow-logs',
      // A JSON document (references interpolated), like every IAM policy here: the posture test reads them all.
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: [logGroup.arn, `${logGroup.arn}:*`],
          },
        ],
      }),
    });
    new FlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: name },
    });
  }
}

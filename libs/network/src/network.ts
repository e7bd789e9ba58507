import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
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
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ServiceSecurityGroups } from './service-security-groups';
import { subnetLayout } from './subnet-layout';

export interface NetworkProps {
  /** Environment name, used in resource names. */
  readonly environment: string;
  /** AWS region, for the S3 endpoint's service name. */
  readonly region: string;
  /** VPC CIDR, /16 to /24. */
  readonly vpcCidr: string;
  /** Availability zones, 2 to 4. */
  readonly azCount: number;
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
  /** The AWS API is moto (local environment), which needs small workarounds. @default false */
  readonly localAws?: boolean;
}

/**
 * The VPC of one environment: public subnets for the load balancer, private subnets for the fleets,
 * NAT egress, an S3 gateway endpoint (model downloads must not pay NAT), flow logs, and the
 * security groups that say who may talk to whom.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly publicSubnets: readonly Subnet[];
  readonly privateSubnets: readonly Subnet[];
  readonly securityGroups: ServiceSecurityGroups;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const name = `canaryfleet-${props.environment}`;
    const layout = subnetLayout(props.vpcCidr, props.azCount);

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: name },
    });
    this.vpc.overrideLogicalId('network_vpc');

    // CKV2_AWS_12: the default security group must allow nothing; resources use their own groups.
    new DefaultSecurityGroup(this, 'default-security-group', { vpcId: this.vpc.id, tags: { Name: `${name}-default-deny` } });

    const zones = new DataAwsAvailabilityZones(this, 'zones', { state: 'available' });

    const igw = new InternetGateway(this, 'igw', { vpcId: this.vpc.id, tags: { Name: name } });

    const subnet = (tier: 'public' | 'private', i: number, cidrBlock: string) => {
      const created = new Subnet(this, `${tier}-${i}`, {
        vpcId: this.vpc.id,
        cidrBlock,
        availabilityZone: Fn.element(zones.names, i),
        // CKV_AWS_130: nothing launched here gets a public IP by accident; the ALB gets its own.
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-${tier}-${i}`, Tier: tier },
      });
      created.overrideLogicalId(`network_${tier}_subnet_${i}`);
      return created;
    };
    this.publicSubnets = layout.publicCidrs.map((cidr, i) => subnet('public', i, cidr));
    this.privateSubnets = layout.privateCidrs.map((cidr, i) => subnet('private', i, cidr));

    const publicRoutes = new RouteTable(this, 'public-routes', { vpcId: this.vpc.id, tags: { Name: `${name}-public` } });
    new Route(this, 'public-default-route', { routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id });
    this.publicSubnets.forEach((subnet, i) => new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: subnet.id, routeTableId: publicRoutes.id }));

    const natCount = props.natGateways === 'per-az' ? props.azCount : 1;
    const nats = Array.from({ length: natCount }, (_, i) => {
      const eip = new Eip(this, `nat-${i}-ip`, { domain: 'vpc', tags: { Name: `${name}-nat-${i}` }, dependsOn: [igw] });
      eip.overrideLogicalId(`network_nat_eip_${i}`);
      const nat = new NatGateway(this, `nat-${i}`, { allocationId: eip.allocationId, subnetId: this.publicSubnets[i].id, tags: { Name: `${name}-${i}` } });
      nat.overrideLogicalId(`network_nat_gateway_${i}`);
      return nat;
    });

    const privateRoutes = this.privateSubnets.map((subnet, i) => {
      const table = new RouteTable(this, `private-${i}-routes`, { vpcId: this.vpc.id, tags: { Name: `${name}-private-${i}` } });
      new Route(this, `private-${i}-default-route`, { routeTableId: table.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nats[i % natCount].id });
      new RouteTableAssociation(this, `private-${i}-association`, { subnetId: subnet.id, routeTableId: table.id });
      return table;
    });

    new VpcEndpoint(this, 's3-endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: privateRoutes.map((table) => table.id),
      tags: { Name: `${name}-s3` },
    });

    this.enableFlowLogs(name, props.flowLogRetentionDays);
    this.securityGroups = new ServiceSecurityGroups(this, 'security-groups', {
      name,
      vpcId: this.vpc.id,
      listenerPorts: props.listenerPorts,
      serverPort: props.serverPort,
      pinnedPort: props.pinnedPort,
      localAws: props.localAws,
    });
  }

  private enableFlowLogs(name: string, retentionDays: number): void {
    const logGroup = new CloudwatchLogGroup(this, 'flow-logs', { name: `/canaryfleet/${name}/vpc-flow-logs`, retentionInDays: retentionDays });
    logGroup.overrideLogicalId('network_flow_log_group');
    const role = new IamRole(this, 'flow-logs-role', {
      name: `${name}-vpc-flow-logs`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
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

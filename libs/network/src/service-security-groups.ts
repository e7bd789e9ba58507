import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';

export interface ServiceSecurityGroupsProps {
  /** Prefix of the group names. */
  readonly name: string;
  readonly vpcId: string;
  /** Ports the load balancer accepts from the internet. */
  readonly listenerPorts: readonly number[];
  /** Port of the inference server on the instances (weighted traffic). */
  readonly serverPort: number;
  /** Second port of the same server, behind the pinned target groups (header overrides). */
  readonly pinnedPort: number;
  /**
   * Where the fleets reach the AWS APIs: `internet` (HTTPS to anywhere, through the NAT gateway), or
   * `endpoints`: HTTPS only to the interface endpoints' group and to S3 through the gateway endpoint.
   */
  readonly awsApis: { readonly via: 'internet' } | { readonly via: 'endpoints'; readonly s3PrefixListId: string };
  /** The AWS API is moto (local environment); see the workaround below. @default false */
  readonly localAws?: boolean;
}

/**
 * Who may talk to whom: the internet reaches the load balancer on its listener ports, the load
 * balancer reaches the fleets on the server's two ports (weighted and pinned), and nothing else reaches
 * the fleets. One rule per resource (never inline), each with a description (CKV_AWS_23).
 */
export class ServiceSecurityGroups extends Construct {
  readonly loadBalancer: SecurityGroup;
  readonly fleet: SecurityGroup;
  /** The interface endpoints' group (HTTPS from the fleets only), when the fleets reach AWS through endpoints. */
  readonly endpoints?: SecurityGroup;

  constructor(scope: Construct, id: string, props: ServiceSecurityGroupsProps) {
    super(scope, id);
    // moto returns a referenced group as "<account>/<sg-id>" and drops the description of group-to-group
    // rules, so every plan would show drift on them; locally only, terraform ignores both after creation
    // (docs/local-aws.md).
    const groupReferenceLifecycle = props.localAws ? { ignoreChanges: ['referenced_security_group_id', 'description'] } : undefined;
    this.loadBalancer = new SecurityGroup(this, 'load-balancer', {
      name: `${props.name}-alb`,
      description: 'Inference load balancer: listeners open to clients, egress to the fleets only',
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-alb` },
    });
    this.loadBalancer.overrideLogicalId('network_alb_security_group');
    this.fleet = new SecurityGroup(this, 'fleet', {
      name: `${props.name}-fleet`,
      description: 'Inference fleets: server port from the load balancer only',
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-fleet` },
    });
    this.fleet.overrideLogicalId('network_fleet_security_group');

    for (const port of [...new Set(props.listenerPorts)]) {
      // Public listener: this is the service's front door (declared exception CKV_AWS_260 for port 80).
      const rule = new VpcSecurityGroupIngressRule(this, `alb-ingress-${port}`, {
        securityGroupId: this.loadBalancer.id,
        description: `Clients to the load balancer listener on port ${port}`,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
      });
      // Pinned: security-exceptions.ts names this address (CKV_AWS_260 for port 80).
      rule.overrideLogicalId(`network_alb_ingress_${port}`);
    }
    // The server port keeps the construct ids it always had (no rule is replaced); the pinned port adds its own.
    for (const [port, suffix, what] of [[props.serverPort, '', 'weighted traffic'], [props.pinnedPort, '-pinned', 'header-override traffic']] as const) {
      new VpcSecurityGroupEgressRule(this, `alb-egress-fleet${suffix}`, {
        securityGroupId: this.loadBalancer.id,
        description: `Load balancer to the inference servers (${what} and health checks) on port ${port}`,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: this.fleet.id,
        lifecycle: groupReferenceLifecycle,
      });
      new VpcSecurityGroupIngressRule(this, `fleet-ingress-alb${suffix}`, {
        securityGroupId: this.fleet.id,
        description: `Inference server port ${port} (${what}) from the load balancer only`,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: this.loadBalancer.id,
        lifecycle: groupReferenceLifecycle,
      });
    }
    if (props.awsApis.via === 'internet') {
      // HTTPS out only: ECR image pulls, S3 model artifacts (via the gateway endpoint), SSM and CloudWatch.
      new VpcSecurityGroupEgressRule(this, 'fleet-egress-https', {
        securityGroupId: this.fleet.id,
        description: 'Fleets to AWS APIs over HTTPS: ECR, S3 model artifacts, SSM, CloudWatch',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: '0.0.0.0/0',
      });
      return;
    }
    const endpoints = (this.endpoints = new SecurityGroup(this, 'endpoints', {
      name: `${props.name}-endpoints`,
      description: 'Interface VPC endpoints of the AWS APIs: HTTPS from the fleets only',
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-endpoints` },
    }));
    endpoints.overrideLogicalId('network_endpoint_security_group');
    new VpcSecurityGroupIngressRule(this, 'endpoints-ingress-fleet', {
      securityGroupId: endpoints.id,
      description: 'Fleets to the AWS API endpoints over HTTPS',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: this.fleet.id,
      lifecycle: groupReferenceLifecycle,
    });
    new VpcSecurityGroupEgressRule(this, 'fleet-egress-endpoints', {
      securityGroupId: this.fleet.id,
      description: 'Fleets to the AWS API interface endpoints over HTTPS: SSM, ECR, CloudWatch, STS, Auto Scaling',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: endpoints.id,
      lifecycle: groupReferenceLifecycle,
    });
    new VpcSecurityGroupEgressRule(this, 'fleet-egress-s3', {
      securityGroupId: this.fleet.id,
      description: 'Fleets to S3 through the gateway endpoint over HTTPS: model artifacts and ECR image layers',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      prefixListId: props.awsApis.s3PrefixListId,
    });
  }
}

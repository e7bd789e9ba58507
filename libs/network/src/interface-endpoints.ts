import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Construct } from 'constructs';

/**
 * The AWS APIs an inference instance calls, by endpoint service: Session Manager (ssm, ssmmessages,
 * ec2messages), the ECR login and image manifests (ecr.api, ecr.dkr; layers come from S3 through the
 * gateway endpoint), its metrics and logs (monitoring, logs), credentials (sts) and the warm-up's
 * CompleteLifecycleAction (autoscaling). The traffic state and model artifacts are SSM and S3.
 */
export const FLEET_ENDPOINT_SERVICES = ['ssm', 'ssmmessages', 'ec2messages', 'ecr.api', 'ecr.dkr', 'monitoring', 'logs', 'sts', 'autoscaling'] as const;

export interface InterfaceEndpointsProps {
  /** Prefix of the endpoints' Name tags. */
  readonly name: string;
  readonly region: string;
  readonly vpcId: string;
  /** One endpoint network interface per zone, in the fleets' subnets. */
  readonly subnetIds: readonly string[];
  /** The group that admits the fleets on 443 (ServiceSecurityGroups.endpoints). */
  readonly securityGroupId: string;
}

/**
 * Interface VPC endpoints with private DNS, so the fleets reach the AWS APIs inside the VPC: no NAT
 * data charges, and the fleets' egress can be narrowed to these endpoints and the S3 prefix list.
 */
export class InterfaceEndpoints extends Construct {
  readonly endpoints: Record<(typeof FLEET_ENDPOINT_SERVICES)[number], VpcEndpoint>;

  constructor(scope: Construct, id: string, props: InterfaceEndpointsProps) {
    super(scope, id);
    this.endpoints = Object.fromEntries(
      FLEET_ENDPOINT_SERVICES.map((service) => {
        const endpoint = new VpcEndpoint(this, service, {
          vpcId: props.vpcId,
          serviceName: `com.amazonaws.${props.region}.${service}`,
          vpcEndpointType: 'Interface',
          privateDnsEnabled: true,
          subnetIds: [...props.subnetIds],
          securityGroupIds: [props.securityGroupId],
          tags: { Name: `${props.name}-${service}` },
        });
        endpoint.overrideLogicalId(`network_endpoint_${service.replace('.', '_')}`);
        return [service, endpoint];
      }),
    ) as InterfaceEndpoints['endpoints'];
  }
}

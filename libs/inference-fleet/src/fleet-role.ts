import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { FLEET_METRICS } from '@canaryfleet/fleet-metrics';
import { Construct } from 'constructs';
import { ecrRegistry } from './user-data';

export interface FleetRoleProps {
  /** IAM role name. */
  readonly name: string;
  readonly region: string;
  /** The account (a reference to the caller identity is fine). */
  readonly accountId: string;
  /** ARN of the traffic-state parameter: the only parameter the instances may read. */
  readonly trafficStateParameterArn: string;
  /** S3 prefix (s3://bucket/prefix/) the instances may read model artifacts from. */
  readonly modelArtifactUri: string;
  /** The environment's default server image; its ECR repository is the one releases may pull from. */
  readonly defaultServerImage: string;
  /** Name of the fleet's own Auto Scaling group: the only one whose lifecycle actions it may complete. */
  readonly autoScalingGroupName: string;
}

/** Parses s3://bucket/prefix/ into its bucket and prefix. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match) throw new Error(`modelArtifactUri = "${uri}": must be an S3 prefix like s3://bucket/models/`);
  return { bucket: match[1], prefix: match[2] };
}

/**
 * Least privilege for an inference instance: read its environment's traffic state and the model
 * artifacts, pull the server image from one repository, and the scoped exceptions a fleet needs:
 * complete its own ASG's lifecycle action, publish metrics into CanaryFleet/Inference only, and Session
 * Manager access without any parameter read. No AWS managed policy: each grants far more (any parameter,
 * any metric namespace).
 */
export class FleetRole extends Construct {
  readonly role: IamRole;
  readonly instanceProfile: IamInstanceProfile;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: FleetRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, 'role', {
      name: props.name,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });

    const { bucket, prefix } = parseS3Uri(props.modelArtifactUri);
    const statements: object[] = [
      { Sid: 'ReadTrafficState', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: props.trafficStateParameterArn },
      { Sid: 'ReadModelArtifacts', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/${prefix}*` },
      { Sid: 'ListModelArtifacts', Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}`, Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } } },
      {
        // The launch lifecycle hook (GPU warm-up) is completed by the instance itself, in its own group only.
        Sid: 'CompleteOwnLifecycleAction',
        Effect: 'Allow',
        Action: 'autoscaling:CompleteLifecycleAction',
        Resource: `arn:aws:autoscaling:${props.region}:${props.accountId}:autoScalingGroup:*:autoScalingGroupName/${props.autoScalingGroupName}`,
      },
      {
        // PutMetricData has no resource-level permissions; the namespace condition is its scope.
        Sid: 'PublishFleetMetrics',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': FLEET_METRICS.namespace } },
      },
      { Sid: 'SessionManagerRegistration', Effect: 'Allow', Action: 'ssm:UpdateInstanceInformation', Resource: `arn:aws:ec2:${props.region}:${props.accountId}:instance/*` },
      {
        // Session Manager's channels have no resource-level permissions; they read no parameter.
        Sid: 'SessionManagerChannels',
        Effect: 'Allow',
        Action: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
        Resource: '*',
      },
    ];
    const registry = ecrRegistry(props.defaultServerImage);
    if (registry) {
      const [account, , , region] = registry.split('.');
      const repository = props.defaultServerImage.slice(registry.length + 1).split(/[:@]/)[0];
      statements.push(
        // GetAuthorizationToken has no resource-level permissions.
        { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        {
          Sid: 'PullServerImage',
          Effect: 'Allow',
          Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
          Resource: `arn:aws:ecr:${region}:${account}:repository/${repository}`,
        },
      );
    }
    this.policy = new IamRolePolicy(this, 'policy', {
      role: this.role.id,
      name: 'inference-server',
      policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });
    this.instanceProfile = new IamInstanceProfile(this, 'instance-profile', { name: props.name, role: this.role.name });
  }
}

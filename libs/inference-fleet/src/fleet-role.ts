import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { ecrRegistry } from './user-data';

export interface FleetRoleProps {
  /** IAM role name. */
  readonly name: string;
  /** ARN of the traffic-state parameter: the only parameter the instances may read. */
  readonly trafficStateParameterArn: string;
  /** S3 prefix (s3://bucket/prefix/) the instances may read model artifacts from. */
  readonly modelArtifactUri: string;
  /** Container image; read access to its ECR repository when it lives in ECR. */
  readonly image: string;
}

/** Parses s3://bucket/prefix/ into its bucket and prefix. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match) throw new Error(`modelArtifactUri = "${uri}": must be an S3 prefix like s3://bucket/models/`);
  return { bucket: match[1], prefix: match[2] };
}

/**
 * Least privilege for an inference instance: SSM session access, the CloudWatch agent, read-only model
 * artifacts under one prefix, ECR pull of one repository, and the traffic-state parameter only.
 */
export class FleetRole extends Construct {
  readonly role: IamRole;
  readonly instanceProfile: IamInstanceProfile;

  constructor(scope: Construct, id: string, props: FleetRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, 'role', {
      name: props.name,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    for (const [key, policy] of [
      ['ssm-core', 'AmazonSSMManagedInstanceCore'],
      ['cloudwatch-agent', 'CloudWatchAgentServerPolicy'],
    ] as const) {
      new IamRolePolicyAttachment(this, key, { role: this.role.name, policyArn: `arn:aws:iam::aws:policy/${policy}` });
    }

    const { bucket, prefix } = parseS3Uri(props.modelArtifactUri);
    const statements: object[] = [
      { Sid: 'ReadTrafficState', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: props.trafficStateParameterArn },
      { Sid: 'ReadModelArtifacts', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/${prefix}*` },
      { Sid: 'ListModelArtifacts', Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}`, Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } } },
    ];
    const registry = ecrRegistry(props.image);
    if (registry) {
      const [account, , , region] = registry.split('.');
      const repository = props.image.slice(registry.length + 1).split(/[:@]/)[0];
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
    new IamRolePolicy(this, 'policy', {
      role: this.role.id,
      name: 'inference-server',
      policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });
    this.instanceProfile = new IamInstanceProfile(this, 'instance-profile', { name: props.name, role: this.role.name });
  }
}

import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { Construct } from 'constructs';

export interface OperatorPolicyProps {
  readonly environment: string;
  readonly region: string;
  /** The traffic-state parameter and the two fleet AMI parameters: what the operator reads and writes. */
  readonly parameterArns: readonly string[];
  /** Path of the public AMI source parameter (`/aws/service/...`): a release's AMI is resolved from it. */
  readonly amiSourceParameter: string;
  readonly trafficListenerArn: string;
  /** The header rules' ARNs; empty when the environment has none. */
  readonly headerRuleArns: readonly string[];
  readonly autoScalingGroupArns: readonly string[];
  readonly alarmArns: readonly string[];
  readonly rolloutTableArn: string;
  readonly rolloutTableKeyArn: string;
  readonly alarmTopicArn: string;
  readonly alarmTopicKeyArn: string;
  /** s3://bucket/prefix/ of the model artifacts: the operator checks a version's artifacts exist. */
  readonly modelArtifactBucket: string;
  readonly modelArtifactPrefix: string;
}

/**
 * `canaryfleet-<env>-operator`: exactly the calls the rollout operator makes, on exactly this
 * environment's resources. Three read-only calls and the AMI-id check have no resource-level
 * permissions and are allowed on "*" (declared in security-exceptions.ts with their reasons). The
 * workflows attach it to the environment's operator role (issue 12).
 */
export class OperatorPolicy extends Construct {
  readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: OperatorPolicyProps) {
    super(scope, id);
    const statements: object[] = [
      { Sid: 'TrafficStateAndFleetAmis', Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:GetParameterHistory'], Resource: [...props.parameterArns] },
      { Sid: 'ResolveReleaseAmi', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: `arn:aws:ssm:${props.region}::parameter${props.amiSourceParameter}` },
      // Writing an aws:ec2:image parameter makes SSM check the AMI with the writer's ec2:DescribeImages, which has no resource-level permissions.
      { Sid: 'ValidateFleetAmis', Effect: 'Allow', Action: 'ec2:DescribeImages', Resource: '*' },
      { Sid: 'TrafficListener', Effect: 'Allow', Action: 'elasticloadbalancing:ModifyListener', Resource: props.trafficListenerArn },
      ...(props.headerRuleArns.length > 0 ? [{ Sid: 'HeaderRules', Effect: 'Allow', Action: 'elasticloadbalancing:ModifyRule', Resource: [...props.headerRuleArns] }] : []),
      { Sid: 'FleetCapacity', Effect: 'Allow', Action: ['autoscaling:UpdateAutoScalingGroup', 'autoscaling:SetDesiredCapacity'], Resource: [...props.autoScalingGroupArns] },
      { Sid: 'Alarms', Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: [...props.alarmArns] },
      {
        Sid: 'LeaseAndJournal',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:TransactWriteItems'],
        Resource: props.rolloutTableArn,
      },
      {
        Sid: 'LeaseAndJournalKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*', 'kms:DescribeKey'],
        Resource: props.rolloutTableKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': `dynamodb.${props.region}.amazonaws.com` } },
      },
      { Sid: 'Notify', Effect: 'Allow', Action: 'sns:Publish', Resource: props.alarmTopicArn },
      {
        // Publishing to a topic encrypted with a customer managed key needs the key, through SNS only.
        Sid: 'NotifyKey',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Resource: props.alarmTopicKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': `sns.${props.region}.amazonaws.com` } },
      },
      {
        Sid: 'ModelArtifacts',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${props.modelArtifactBucket}`,
        Condition: { StringLike: { 's3:prefix': [`${props.modelArtifactPrefix}*`] } },
      },
      // Read-only calls without resource-level permissions (security-exceptions.ts).
      { Sid: 'DescribeRouting', Effect: 'Allow', Action: 'elasticloadbalancing:Describe*', Resource: '*' },
      { Sid: 'DescribeFleets', Effect: 'Allow', Action: 'autoscaling:DescribeAutoScalingGroups', Resource: '*' },
      { Sid: 'ReadMetrics', Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
    ];
    this.policy = new IamPolicy(this, 'policy', {
      name: `canaryfleet-${props.environment}-operator`,
      description: `The rollout operator of canaryfleet ${props.environment}: its calls on this environment's resources only.`,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });
    this.policy.overrideLogicalId('operator_policy');
  }
}

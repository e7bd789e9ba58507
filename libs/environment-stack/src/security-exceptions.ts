/**
 * Every deliberate exception to the security posture checks (apps/bootstrap/test/security-posture.test.ts), in one place,
 * each with its reason. A finding not listed here fails the test, and so does an entry no finding uses.
 * `stack` is an environment name, or `state-<env>` for the bootstrap's state-bucket stacks.
 */
export interface SecurityException {
  readonly check: string;
  readonly stacks: readonly string[];
  /** Terraform address `<type>.<name>` of the resource the check flags. */
  readonly address: string;
  readonly reason: string;
}

const NO_CERTIFICATE = ['dev', 'local'];
const ALL = ['dev', 'staging', 'prod', 'local'];
/** The bootstrap stacks of the environments GitHub Actions deploy (config `github`): where their roles live. */
const GITHUB_BOOTSTRAP = ['state-dev', 'state-staging', 'state-prod'];

export const SECURITY_EXCEPTIONS: readonly SecurityException[] = [
  {
    check: 'CKV_AWS_2',
    stacks: NO_CERTIFICATE,
    address: 'aws_lb_listener.listener_http',
    reason: 'No certificate in this environment (config routing.plainHttpReason): dev carries synthetic traffic only, local runs on moto.',
  },
  {
    check: 'CKV2_AWS_20',
    stacks: NO_CERTIFICATE,
    address: 'aws_lb.alb',
    reason: 'Without a certificate there is no HTTPS listener to redirect to (config routing.plainHttpReason).',
  },
  {
    check: 'CKV_AWS_260',
    stacks: ALL,
    address: 'aws_vpc_security_group_ingress_rule.network_alb_ingress_80',
    reason: 'Port 80 is the public front door: the HTTP->HTTPS redirect listener, or the declared plain-HTTP listener.',
  },
  {
    check: 'CKV_AWS_150',
    stacks: ['dev', 'staging', 'local'],
    address: 'aws_lb.alb',
    reason: 'Non-production environments are torn down and rebuilt (config routing.deletionProtection = false); production requires it (schema rule).',
  },
  {
    check: 'CKV2_AWS_28',
    stacks: ALL,
    address: 'aws_lb.alb',
    reason: 'No WAFv2 web ACL configured yet (config routing.webAclArn); setting it associates one.',
  },
  {
    check: 'CKV_AWS_145',
    stacks: ALL,
    address: 'aws_s3_bucket.alb_access_log_bucket',
    reason: 'ALB access-log delivery supports SSE-S3 (AES256) only, not KMS.',
  },
  {
    check: 'CKV_AWS_145',
    stacks: ['state-dev', 'state-staging', 'state-prod', 'state-local'],
    address: 'aws_s3_bucket.state_access_log_bucket',
    reason: 'S3 server access-log delivery supports SSE-S3 (AES256) only.',
  },
  {
    check: 'CKV_AWS_18',
    stacks: ALL,
    address: 'aws_s3_bucket.alb_access_log_bucket',
    reason: 'The access-log bucket is itself the log sink; logging it would need another bucket logging forever.',
  },
  {
    check: 'CKV_AWS_18',
    stacks: ['state-dev', 'state-staging', 'state-prod', 'state-local'],
    address: 'aws_s3_bucket.state_access_log_bucket',
    reason: 'The state bucket\'s access-log bucket cannot log to itself.',
  },
  {
    check: 'dynamodb-deletion-protection',
    stacks: ['local'],
    address: 'aws_dynamodb_table.rollout_table',
    reason: 'The local environment on moto is destroyed by its own test suite; every real environment protects the rollout journal.',
  },
  {
    check: 'traffic-state-prevent-destroy',
    stacks: ['local'],
    address: 'aws_ssm_parameter.traffic_state',
    reason: 'The local environment on moto is destroyed by its own test suite; every real environment refuses a plan that destroys the traffic state.',
  },
];

/**
 * IAM actions allowed on `Resource: "*"` in an inline or customer managed policy, each because the
 * action has no resource-level permissions (its scope is a condition, or it only reads). Anything else on
 * "*" fails the posture test, and so does an entry no policy uses. Never `ssm:GetParameter*`, `s3:*`,
 * `iam:*` or `*`: those are refused on "*" whatever this list says.
 */
export interface IamActionException {
  readonly action: string;
  readonly stacks: readonly string[];
  readonly reason: string;
}

export const IAM_ACTIONS_ON_ANY_RESOURCE: readonly IamActionException[] = [
  { action: 'ecr:GetAuthorizationToken', stacks: ALL, reason: 'Fleet instances log in to ECR to pull the server image; the token call has no resource-level permissions (the pull itself is scoped to one repository).' },
  { action: 'cloudwatch:PutMetricData', stacks: ALL, reason: 'Inference servers publish their metrics; PutMetricData has no resource-level permissions, so a cloudwatch:namespace condition limits it to CanaryFleet/Inference.' },
  ...['CreateControlChannel', 'CreateDataChannel', 'OpenControlChannel', 'OpenDataChannel'].map((verb) => ({
    action: `ssmmessages:${verb}`,
    stacks: ALL,
    reason: 'Session Manager access to fleet instances (no SSH); its channel calls have no resource-level permissions and read no parameter.',
  })),
  { action: 'ec2:DescribeImages', stacks: ALL, reason: 'The operator writes the fleets\' aws:ec2:image parameters, which SSM validates with the writer\'s ec2:DescribeImages; it has no resource-level permissions and only reads.' },
  { action: 'elasticloadbalancing:Describe*', stacks: ALL, reason: 'The operator reads the listener, rules and target health back after every write; ELB describe calls have no resource-level permissions and only read.' },
  { action: 'autoscaling:DescribeAutoScalingGroups', stacks: ALL, reason: 'The operator reads fleet capacity; the call has no resource-level permissions and only reads.' },
  { action: 'cloudwatch:GetMetricData', stacks: ALL, reason: 'The operator reads the metrics the judge needs; GetMetricData has no resource-level permissions and only reads.' },
  ...['ec2:Describe*', 'elasticloadbalancing:Describe*', 'autoscaling:Describe*', 'ssm:DescribeParameters', 'kms:ListAliases'].map((action) => ({
    action,
    stacks: GITHUB_BOOTSTRAP,
    reason: 'The plan and deploy roles refresh the environment in a plan; these describe and list calls have no resource-level permissions and only read.',
  })),
  {
    action: 'ec2:*',
    stacks: GITHUB_BOOTSTRAP,
    reason: 'The deploy role creates and deletes the VPC, subnets, routes, NAT, endpoints, security groups and launch templates: EC2 create calls name no resource before it exists. Limited to the environment\'s region (aws:RequestedRegion).',
  },
  ...['kms:CreateKey', 'kms:TagResource'].map((action) => ({
    action,
    stacks: GITHUB_BOOTSTRAP,
    reason: 'The deploy role creates the environment\'s KMS keys, which have no ARN before they exist; the aws:RequestTag/Environment condition limits it to keys tagged for this environment.',
  })),
];

/**
 * Service principals allowed without aws:SourceAccount and aws:SourceArn conditions (the confused-deputy
 * guard the posture test requires on every other service-principal statement), each with its reason.
 */
export interface ServicePrincipalException {
  readonly service: string;
  readonly stacks: readonly string[];
  readonly reason: string;
}

export const SERVICE_PRINCIPALS_WITHOUT_SOURCE_CONDITIONS: readonly ServicePrincipalException[] = [
  {
    service: 'ec2.amazonaws.com',
    stacks: ALL,
    reason: 'EC2 assumes an instance profile\'s role without source keys; who may launch with the role is decided by iam:PassRole, which only the deploy role has, for ec2.amazonaws.com and this environment\'s roles.',
  },
  {
    service: 'logdelivery.elasticloadbalancing.amazonaws.com',
    stacks: ALL,
    reason: 'ELB\'s documented log-delivery policy takes no source conditions; the grant covers only AWSLogs/<this account>/ in the environment\'s own bucket.',
  },
];

/** AWS managed policies a role may have attached, each with its reason; none is needed today. */
export interface ManagedPolicyException {
  readonly arn: string;
  readonly stacks: readonly string[];
  readonly reason: string;
}

export const AWS_MANAGED_POLICY_ALLOW_LIST: readonly ManagedPolicyException[] = [];

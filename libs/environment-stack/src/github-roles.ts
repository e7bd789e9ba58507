import type { EnvironmentConfig } from '@canaryfleet/config';
import { amiSourceParameter, fleetAmiParameterName } from '@canaryfleet/inference-fleet';
import { FLEET_COLOURS, trafficStateParameterName } from '@canaryfleet/traffic-state';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { stateKey } from './remote-state';

/** GitHub's OIDC issuer host: the prefix of its token claims in IAM conditions. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** What each role is for: `plan` reads, `deploy` applies, `operator` runs rollouts. */
export const GITHUB_ROLE_KINDS = ['plan', 'deploy', 'operator'] as const;
export type GithubRoleKind = (typeof GITHUB_ROLE_KINDS)[number];

/**
 * `canaryfleet-github-<env>-<kind>`: outside the `canaryfleet-<env>-*` names the deploy role may manage,
 * so a deploy can never rewrite the roles of the workflows themselves.
 */
export function githubRoleName(environment: string, kind: GithubRoleKind): string {
  return `canaryfleet-github-${environment}-${kind}`;
}

/**
 * The GitHub environment whose jobs may assume a role: the deploy and operator roles trust the
 * protected environment `<env>` itself; the plan role trusts `<env>-plan`, an environment without
 * required reviewers, so pull requests can plan without waiting for an approval.
 */
export function githubEnvironmentOf(environment: string, kind: GithubRoleKind): string {
  return kind === 'plan' ? `${environment}-plan` : environment;
}

export interface GithubRolesProps {
  /** A validated environment with `github` and `account` set. */
  readonly config: EnvironmentConfig & { readonly github: NonNullable<EnvironmentConfig['github']>; readonly account: string };
  /** Create the account's GitHub OIDC provider here (the first environment of each account), or only reference it. */
  readonly createOidcProvider: boolean;
}

type Statement = Record<string, unknown>;

/**
 * The roles GitHub Actions assume in one environment (ADR 0014), each trusting only the configured
 * repository and one GitHub environment (`sub`), with audience `sts.amazonaws.com`:
 * - plan: reads what a plan refreshes, the state, and writes only the state's lock object;
 * - deploy: also writes the state and creates, changes and deletes the environment's resources;
 * - operator: reads the state (for `nx run <env>:outputs`); the environment stack attaches the
 *   operator policy `canaryfleet-<env>-operator` to it.
 */
export class GithubRoles extends Construct {
  readonly roles: Record<GithubRoleKind, IamRole>;
  readonly oidcProviderArn: string;

  constructor(scope: Construct, id: string, props: GithubRolesProps) {
    super(scope, id);
    const { config } = props;
    const { account, name: env } = config;
    this.oidcProviderArn = `arn:aws:iam::${account}:oidc-provider/${GITHUB_OIDC_HOST}`;
    if (props.createOidcProvider) {
      // No thumbprint: IAM trusts GitHub's certificate through its own library of root CAs.
      new IamOpenidConnectProvider(this, 'oidc-provider', { url: `https://${GITHUB_OIDC_HOST}`, clientIdList: ['sts.amazonaws.com'] }).overrideLogicalId('github_oidc_provider');
    }

    const names = resourceNames(config);
    const policies: Record<GithubRoleKind, Statement[]> = {
      plan: [...readState(names), ...lockState(names), ...readEnvironment(names)],
      deploy: [...readState(names), ...lockState(names), ...readEnvironment(names), ...writeState(names), ...manageEnvironment(names)],
      operator: readState(names),
    };
    this.roles = Object.fromEntries(
      GITHUB_ROLE_KINDS.map((kind) => {
        const role = new IamRole(this, kind, {
          name: githubRoleName(env, kind),
          description: `GitHub Actions of ${config.github.repository}, environment ${githubEnvironmentOf(env, kind)}: ${kind} canaryfleet ${env}`,
          maxSessionDuration: 3600 * (kind === 'operator' ? 6 : 1),
          assumeRolePolicy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Federated: this.oidcProviderArn },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: {
                  StringEquals: {
                    [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
                    [`${GITHUB_OIDC_HOST}:sub`]: `repo:${config.github.repository}:environment:${githubEnvironmentOf(env, kind)}`,
                  },
                },
              },
            ],
          }),
        });
        role.overrideLogicalId(`github_${kind}_role`);
        new IamRolePolicy(this, `${kind}-policy`, { role: role.id, name: `${kind}-${env}`, policy: JSON.stringify({ Version: '2012-10-17', Statement: policies[kind] }) });
        return [kind, role];
      }),
    ) as Record<GithubRoleKind, IamRole>;
  }
}

/** ARNs and name patterns of one environment, from its config: what the roles are scoped to. */
interface ResourceNames {
  readonly env: string;
  readonly region: string;
  readonly account: string;
  readonly stateBucket: string;
  readonly stateObjects: string;
  readonly stateKeyPrefix: string;
  readonly lockObject: string;
  readonly ownParameters: readonly string[];
  readonly amiSource: string;
  readonly webAclArn?: string;
}

function resourceNames(config: GithubRolesProps['config']): ResourceNames {
  const { account, region, name: env } = config;
  const key = stateKey(config, 'inference');
  const parameter = (name: string) => `arn:aws:ssm:${region}:${account}:parameter${name}`;
  return {
    env,
    region,
    account,
    stateBucket: `arn:aws:s3:::${config.stateBackend.bucket}`,
    stateKeyPrefix: `${config.stateBackend.keyPrefix}/${env}/`,
    stateObjects: `arn:aws:s3:::${config.stateBackend.bucket}/${config.stateBackend.keyPrefix}/${env}/*`,
    lockObject: `arn:aws:s3:::${config.stateBackend.bucket}/${key}.tflock`,
    ownParameters: [trafficStateParameterName(env), ...FLEET_COLOURS.map((colour) => fleetAmiParameterName(env, colour))].map(parameter),
    amiSource: `arn:aws:ssm:${region}::parameter${amiSourceParameter(config.fleet.instanceType, config.fleet.amiParameter)}`,
    webAclArn: config.routing.webAclArn,
  };
}

function readState(n: ResourceNames): Statement[] {
  return [
    { Sid: 'ReadState', Effect: 'Allow', Action: 's3:GetObject', Resource: n.stateObjects },
    { Sid: 'ListState', Effect: 'Allow', Action: 's3:ListBucket', Resource: n.stateBucket, Condition: { StringLike: { 's3:prefix': [`${n.stateKeyPrefix}*`] } } },
  ];
}

/** terraform's S3 lockfile (`use_lockfile`): `<key>.tflock`, written and deleted around every plan and apply. */
function lockState(n: ResourceNames): Statement[] {
  return [{ Sid: 'StateLock', Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: n.lockObject }];
}

function writeState(n: ResourceNames): Statement[] {
  return [{ Sid: 'WriteState', Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: n.stateObjects }];
}

/** The reads of a plan's refresh, scoped to the environment's names wherever the service allows it. */
function readEnvironment(n: ResourceNames): Statement[] {
  const { region, account, env } = n;
  return [
    // Describe calls without resource-level permissions (security-exceptions.ts).
    { Sid: 'DescribeNetworkAndFleets', Effect: 'Allow', Action: ['ec2:Describe*', 'elasticloadbalancing:Describe*', 'autoscaling:Describe*', 'ssm:DescribeParameters', 'kms:ListAliases'], Resource: '*' },
    { Sid: 'ReadParameters', Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:ListTagsForResource'], Resource: [...n.ownParameters, n.amiSource] },
    {
      Sid: 'ReadIam',
      Effect: 'Allow',
      Action: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole', 'iam:GetInstanceProfile', 'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyVersions'],
      Resource: [...environmentIamArns(n), `arn:aws:iam::${account}:role/${githubRoleName(env, 'operator')}`],
    },
    { Sid: 'ReadKeys', Effect: 'Allow', Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'], Resource: `arn:aws:kms:${region}:${account}:key/*` },
    { Sid: 'ReadTopic', Effect: 'Allow', Action: ['sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:GetSubscriptionAttributes'], Resource: `arn:aws:sns:${region}:${account}:canaryfleet-${env}-*` },
    {
      Sid: 'ReadTable',
      Effect: 'Allow',
      Action: ['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups', 'dynamodb:DescribeTimeToLive', 'dynamodb:ListTagsOfResource'],
      Resource: `arn:aws:dynamodb:${region}:${account}:table/canaryfleet-${env}-*`,
    },
    { Sid: 'ReadLogs', Effect: 'Allow', Action: ['logs:DescribeLogGroups', 'logs:ListTagsForResource', 'logs:ListTagsLogGroup'], Resource: `arn:aws:logs:${region}:${account}:log-group:*` },
    {
      Sid: 'ReadAlarms',
      Effect: 'Allow',
      Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource', 'cloudwatch:GetDashboard'],
      Resource: [`arn:aws:cloudwatch:${region}:${account}:alarm:canaryfleet-${env}-*`, `arn:aws:cloudwatch::${account}:dashboard/canaryfleet-${env}`],
    },
    { Sid: 'ReadAccessLogBucket', Effect: 'Allow', Action: ['s3:GetBucket*', 's3:GetLifecycleConfiguration', 's3:GetEncryptionConfiguration', 's3:GetAccelerateConfiguration', 's3:GetReplicationConfiguration', 's3:ListBucket'], Resource: accessLogBucketArn(n) },
    ...(n.webAclArn ? [{ Sid: 'ReadWebAcl', Effect: 'Allow', Action: ['wafv2:GetWebACLForResource', 'wafv2:GetWebACL'], Resource: [n.webAclArn, loadBalancerArn(n)] }] : []),
  ];
}

/** Creates, changes and deletes what the environment stack holds, and nothing named for another environment. */
function manageEnvironment(n: ResourceNames): Statement[] {
  const { region, account, env } = n;
  const keyArns = `arn:aws:kms:${region}:${account}:key/*`;
  return [
    // EC2 create calls name no resource before it exists, and a VPC's parts have no names to scope by
    // (security-exceptions.ts); the region condition keeps it to the environment's region.
    { Sid: 'ManageNetworkAndInstances', Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': region } } },
    {
      Sid: 'ManageLoadBalancing',
      Effect: 'Allow',
      Action: 'elasticloadbalancing:*',
      Resource: [
        loadBalancerArn(n),
        `arn:aws:elasticloadbalancing:${region}:${account}:listener/app/canaryfleet-${env}/*`,
        `arn:aws:elasticloadbalancing:${region}:${account}:listener-rule/app/canaryfleet-${env}/*`,
        `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/cf-${env}-*/*`,
      ],
    },
    { Sid: 'ManageFleets', Effect: 'Allow', Action: 'autoscaling:*', Resource: `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/canaryfleet-${env}-*` },
    {
      Sid: 'ManageParameters',
      Effect: 'Allow',
      Action: ['ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'],
      Resource: [...n.ownParameters],
    },
    {
      Sid: 'ManageIam',
      Effect: 'Allow',
      Action: [
        'iam:CreateRole', 'iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole',
        'iam:PutRolePolicy', 'iam:DeleteRolePolicy',
        'iam:CreateInstanceProfile', 'iam:DeleteInstanceProfile', 'iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:TagInstanceProfile', 'iam:UntagInstanceProfile',
        'iam:CreatePolicy', 'iam:DeletePolicy', 'iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:TagPolicy', 'iam:UntagPolicy',
      ],
      Resource: environmentIamArns(n),
    },
    {
      Sid: 'PassEnvironmentRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:aws:iam::${account}:role/canaryfleet-${env}-*`,
      Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'vpc-flow-logs.amazonaws.com'] } },
    },
    {
      // The operator role of the workflows gets exactly the environment's operator policy, nothing else.
      Sid: 'AttachOperatorPolicy',
      Effect: 'Allow',
      Action: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
      Resource: `arn:aws:iam::${account}:role/${githubRoleName(env, 'operator')}`,
      Condition: { ArnEquals: { 'iam:PolicyARN': `arn:aws:iam::${account}:policy/canaryfleet-${env}-operator` } },
    },
    {
      Sid: 'ServiceLinkedRoles',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: `arn:aws:iam::${account}:role/aws-service-role/*`,
      Condition: { StringEquals: { 'iam:AWSServiceName': ['autoscaling.amazonaws.com', 'elasticloadbalancing.amazonaws.com'] } },
    },
    // KMS keys have random ids: created with, and managed by, the environment's tag (the provider's default_tags).
    { Sid: 'CreateKeys', Effect: 'Allow', Action: ['kms:CreateKey', 'kms:TagResource'], Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/Environment': env } } },
    {
      Sid: 'ManageKeys',
      Effect: 'Allow',
      Action: ['kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:ScheduleKeyDeletion', 'kms:UpdateKeyDescription', 'kms:TagResource', 'kms:UntagResource', 'kms:CreateGrant', 'kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'],
      Resource: keyArns,
      Condition: { StringEquals: { 'aws:ResourceTag/Environment': env } },
    },
    { Sid: 'ManageKeyAliases', Effect: 'Allow', Action: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'], Resource: `arn:aws:kms:${region}:${account}:alias/canaryfleet-${env}-*` },
    { Sid: 'ManageTopic', Effect: 'Allow', Action: 'sns:*', Resource: `arn:aws:sns:${region}:${account}:canaryfleet-${env}-*` },
    { Sid: 'ManageTable', Effect: 'Allow', Action: 'dynamodb:*', Resource: `arn:aws:dynamodb:${region}:${account}:table/canaryfleet-${env}-*` },
    { Sid: 'ManageLogs', Effect: 'Allow', Action: 'logs:*', Resource: `arn:aws:logs:${region}:${account}:log-group:/canaryfleet/canaryfleet-${env}/*` },
    {
      Sid: 'ManageAlarms',
      Effect: 'Allow',
      Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource', 'cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'],
      Resource: [`arn:aws:cloudwatch:${region}:${account}:alarm:canaryfleet-${env}-*`, `arn:aws:cloudwatch::${account}:dashboard/canaryfleet-${env}`],
    },
    { Sid: 'ManageAccessLogBucket', Effect: 'Allow', Action: 's3:*', Resource: accessLogBucketArn(n) },
    ...(n.webAclArn ? [{ Sid: 'ManageWebAcl', Effect: 'Allow', Action: ['wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL'], Resource: [n.webAclArn, loadBalancerArn(n)] }] : []),
  ];
}

function environmentIamArns({ account, env }: ResourceNames): string[] {
  return [`arn:aws:iam::${account}:role/canaryfleet-${env}-*`, `arn:aws:iam::${account}:instance-profile/canaryfleet-${env}-*`, `arn:aws:iam::${account}:policy/canaryfleet-${env}-*`];
}

function loadBalancerArn({ region, account, env }: ResourceNames): string {
  return `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/canaryfleet-${env}/*`;
}

/** The environment's ALB access-log bucket (`canaryfleet-<env>-alb-logs-<account>`), the bucket only: never its objects. */
function accessLogBucketArn({ account, env }: ResourceNames): string {
  return `arn:aws:s3:::canaryfleet-${env}-alb-logs-${account}`;
}

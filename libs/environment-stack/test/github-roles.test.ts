import { defineEnvironment, type EnvironmentInput } from '@canaryfleet/config';
import { App, Testing } from 'cdktf';
import { StateBucketStack } from '../src';
import { base } from './environment-input';

type Resources = Record<string, Record<string, Record<string, unknown>>>;
type Doc = { resource: Resources; output: Record<string, { value: unknown }> };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, unknown>>; Principal?: unknown };

function synth(input: EnvironmentInput = base, createOidcProvider = true): Doc {
  const stack = new StateBucketStack(new App({ outdir: 'unused' }), 'state-dev', { config: defineEnvironment(input), localStatePath: 'x.tfstate', createOidcProvider });
  return JSON.parse(Testing.synth(stack)) as Doc;
}

const doc = synth();
const roles = doc.resource.aws_iam_role;
const policyOf = (kind: string): Statement[] =>
  (JSON.parse(Object.values(doc.resource.aws_iam_role_policy).find((p) => p.role === `\${aws_iam_role.github_${kind}_role.id}`)?.policy as string) as { Statement: Statement[] }).Statement;
const actions = (statements: Statement[]) => statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
const sid = (statements: Statement[], name: string) => statements.find((s) => s.Sid === name);

describe('GitHub roles of an environment (bootstrap)', () => {
  it('creates the three roles outside the names a deploy may manage', () => {
    expect(Object.keys(roles).sort()).toEqual(['github_deploy_role', 'github_operator_role', 'github_plan_role']);
    expect(Object.values(roles).map((role) => role.name).sort()).toEqual(['canaryfleet-github-dev-deploy', 'canaryfleet-github-dev-operator', 'canaryfleet-github-dev-plan']);
  });

  it.each([
    ['plan', 'dev-plan'],
    ['deploy', 'dev'],
    ['operator', 'dev'],
  ])('the %s role trusts only this repository and GitHub environment %s, with audience sts.amazonaws.com', (kind, githubEnvironment) => {
    expect(JSON.parse(roles[`github_${kind}_role`].assume_role_policy as string)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': `repo:example-org/canaryfleet:environment:${githubEnvironment}`,
            },
          },
        },
      ],
    });
  });

  it('creates the OIDC provider of the account once, and references it by its ARN elsewhere', () => {
    expect(doc.resource.aws_iam_openid_connect_provider.github_oidc_provider).toEqual({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] });
    const second = synth(base, false);
    expect(second.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(Object.keys(second.resource.aws_iam_role)).toHaveLength(3);
  });

  it('writes each role ARN and its GitHub environment as outputs, for the workflows\' variables', () => {
    expect(doc.output.github_roles.value).toEqual({
      plan: { arn: '${aws_iam_role.github_plan_role.arn}', githubEnvironment: 'dev-plan' },
      deploy: { arn: '${aws_iam_role.github_deploy_role.arn}', githubEnvironment: 'dev' },
      operator: { arn: '${aws_iam_role.github_operator_role.arn}', githubEnvironment: 'dev' },
    });
  });

  it('lets the plan role read, and write nothing but the state lock object', () => {
    const plan = policyOf('plan');
    const writes = actions(plan).filter((action) => !/^[\w-]+:(Get|List|Describe)/.test(action));
    expect(writes.sort()).toEqual(['s3:DeleteObject', 's3:PutObject']);
    expect(sid(plan, 'StateLock')).toEqual({ Sid: 'StateLock', Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: 'arn:aws:s3:::canaryfleet-tfstate-test/canaryfleet/dev/inference.tfstate.tflock' });
    expect(sid(plan, 'ReadState')?.Resource).toBe('arn:aws:s3:::canaryfleet-tfstate-test/canaryfleet/dev/*');
    // The AMI source a plan reads, and the environment's own parameters, by ARN.
    expect(sid(plan, 'ReadParameters')?.Resource).toEqual([
      'arn:aws:ssm:eu-west-1:111111111111:parameter/canaryfleet/dev/traffic-state',
      'arn:aws:ssm:eu-west-1:111111111111:parameter/canaryfleet/dev/fleets/blue/ami-id',
      'arn:aws:ssm:eu-west-1:111111111111:parameter/canaryfleet/dev/fleets/green/ami-id',
      'arn:aws:ssm:eu-west-1::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    ]);
    expect(actions([sid(plan, 'ReadParameters') as Statement])).toEqual(['ssm:GetParameter', 'ssm:GetParameters', 'ssm:ListTagsForResource']);
  });

  it('lets the deploy role write the state and manage the environment, and never the workflows\' own roles', () => {
    const deploy = policyOf('deploy');
    expect(sid(deploy, 'WriteState')?.Resource).toBe('arn:aws:s3:::canaryfleet-tfstate-test/canaryfleet/dev/*');
    expect(sid(deploy, 'ManageIam')?.Resource).toEqual(['arn:aws:iam::111111111111:role/canaryfleet-dev-*', 'arn:aws:iam::111111111111:instance-profile/canaryfleet-dev-*', 'arn:aws:iam::111111111111:policy/canaryfleet-dev-*']);
    // `canaryfleet-dev-*` cannot match `canaryfleet-github-dev-*`: a deploy cannot widen the role it runs as.
    const iamResources = deploy.filter((s) => actions([s]).some((a) => a.startsWith('iam:'))).flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    expect([...new Set(iamResources.filter((resource) => resource.includes('canaryfleet-github-')))]).toEqual(['arn:aws:iam::111111111111:role/canaryfleet-github-dev-operator']);
    expect(sid(deploy, 'AttachOperatorPolicy')).toMatchObject({
      Action: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
      Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::111111111111:policy/canaryfleet-dev-operator' } },
    });
    expect(sid(deploy, 'PassEnvironmentRoles')).toMatchObject({ Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'vpc-flow-logs.amazonaws.com'] } } });
    // What the launch templates need to resolve the fleets' AMI parameters, and SSM to validate an AMI id.
    expect(actions(deploy)).toEqual(expect.arrayContaining(['ssm:GetParameters', 'ec2:*']));
    expect(sid(deploy, 'ManageNetworkAndInstances')?.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } });
  });

  it('lets the operator role read the state for the outputs file; its operator policy is attached by the environment stack', () => {
    expect(policyOf('operator').map((s) => s.Sid)).toEqual(['ReadState', 'ListState']);
    expect(doc.resource.aws_iam_role_policy_attachment).toBeUndefined();
    expect(roles.github_operator_role.max_session_duration).toBe(21600);
  });

  it('creates no role where GitHub does not deploy the environment', () => {
    const local = synth({ ...base, github: undefined });
    expect(local.resource.aws_iam_role).toBeUndefined();
    expect(local.output.github_roles).toBeUndefined();
  });
});

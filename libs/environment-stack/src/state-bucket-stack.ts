import type { EnvironmentConfig } from '@canaryfleet/config';
import { SecureBucket } from '@canaryfleet/storage';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { awsProvider } from './aws-provider';
import { githubEnvironmentOf, GithubRoles, GITHUB_ROLE_KINDS } from './github-roles';

export interface StateBucketStackProps {
  readonly config: EnvironmentConfig;
  /** Local state file of this stack, relative to the stack's synthesized directory. */
  readonly localStatePath: string;
  /**
   * With `config.github`: whether this stack creates the account's GitHub OIDC provider (the first
   * environment of each account) or references it. @default true
   */
  readonly createOidcProvider?: boolean;
}

/**
 * Step one of a first deploy: the S3 bucket that holds the environment's remote state and, when the
 * environment names its GitHub repository, the roles its workflows assume (ADR 0014). Its own state is
 * local (a bucket cannot hold the state that creates it); losing that file is harmless, everything in it
 * can be imported again.
 */
export class StateBucketStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: StateBucketStackProps) {
    super(scope, id);
    const { config } = props;
    new LocalBackend(this, { path: props.localStatePath });
    awsProvider(this, { ...config, region: config.stateBackend.region });

    const name = config.stateBackend.bucket;
    const caller = new DataAwsCallerIdentity(this, 'caller', {});
    // Server access logs of the state bucket go to a sibling bucket, which cannot log to itself
    // (declared exception CKV_AWS_18 for the log bucket, security-exceptions.ts).
    const logs = new SecureBucket(this, 'access-logs', {
      bucketName: `${name}-access-logs`,
      logicalId: 'state_access_log_bucket',
      // S3 server access log delivery supports SSE-S3 only.
      encryption: 'AES256',
      versioned: true,
      expireAfterDays: 365,
      tlsOnly: !config.localAws,
      forceDestroy: config.localAws,
      extraPolicyStatements: [
        {
          sid: 'AllowS3ServerAccessLogs',
          effect: 'Allow',
          actions: ['s3:PutObject'],
          resources: [`arn:aws:s3:::${name}-access-logs/*`],
          principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
          // Confused-deputy guard: only the state bucket's own access logs, from this account.
          condition: [
            { test: 'ArnLike', variable: 'aws:SourceArn', values: [`arn:aws:s3:::${name}`] },
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [caller.accountId] },
          ],
        },
      ],
    });
    const state = new SecureBucket(this, 'state', {
      bucketName: name,
      logicalId: 'state_bucket',
      versioned: true,
      noncurrentVersionDays: 365,
      accessLogs: { target: logs, prefix: `${name}/` },
      // moto cannot evaluate aws:SecureTransport and would deny terraform's own state reads (docs/local-aws.md).
      tlsOnly: !config.localAws,
      // A state bucket is never destroyed by accident, except the throwaway one on moto.
      forceDestroy: config.localAws,
    });
    if (!config.localAws) state.bucket.addOverride('lifecycle.prevent_destroy', true);

    new TerraformOutput(this, 'state_bucket', { value: state.bucket.bucket });
    const { github, account } = config;
    if (github && account) {
      const roles = new GithubRoles(this, 'github', { config: { ...config, github, account }, createOidcProvider: props.createOidcProvider ?? true });
      new TerraformOutput(this, 'github_roles', {
        description: 'Per role: its ARN (the workflows\' AWS_<KIND>_ROLE_ARN_<env> variable) and the GitHub environment its jobs must run in',
        value: Object.fromEntries(GITHUB_ROLE_KINDS.map((kind) => [kind, { arn: roles.roles[kind].arn, githubEnvironment: githubEnvironmentOf(config.name, kind) }])),
      });
    }
  }
}

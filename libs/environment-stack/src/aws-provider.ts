import type { EnvironmentConfig } from '@canaryfleet/config';
import { PROJECT } from '@canaryfleet/config';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';

type ProviderSettings = Pick<EnvironmentConfig, 'name' | 'region' | 'account' | 'localAws' | 'tags'>;

/**
 * The AWS provider of an environment: pinned region, the allowed account when known, and tags on
 * everything. For the local environment the AWS API is moto on loopback (AWS_ENDPOINT_URL), which
 * has no real credentials, account or instance metadata, so those checks are skipped there only.
 */
export function awsProvider(scope: Construct, env: ProviderSettings): AwsProvider {
  return new AwsProvider(scope, 'aws', {
    region: env.region,
    allowedAccountIds: env.account ? [env.account] : undefined,
    defaultTags: [{ tags: { Project: PROJECT, Environment: env.name, ManagedBy: 'terraform', ...env.tags } }],
    ...(env.localAws
      ? { skipCredentialsValidation: true, skipRequestingAccountId: true, skipMetadataApiCheck: 'true', s3UsePathStyle: true }
      : {}),
  });
}

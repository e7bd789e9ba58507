import type { EnvironmentConfig } from '@canaryfleet/config';
import { S3Backend, type TerraformStack } from 'cdktf';

/** `<project>/<env>/<stack>.tfstate`: one state object per stack and environment. */
export function stateKey(env: Pick<EnvironmentConfig, 'name' | 'stateBackend'>, stack: string): string {
  return `${env.stateBackend.keyPrefix}/${env.name}/${stack}.tfstate`;
}

/**
 * S3 remote state with S3-native lockfile locking (terraform >= 1.10) and server-side encryption.
 * cdktf 0.21 has no `useLockfile` prop, hence the override.
 */
export function useRemoteState(stack: TerraformStack, env: Pick<EnvironmentConfig, 'name' | 'stateBackend' | 'localAws'>, stackName: string): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: env.stateBackend.bucket,
    key: stateKey(env, stackName),
    region: env.stateBackend.region,
    encrypt: true,
    // moto on loopback: path-style URLs and no real STS/IMDS (the endpoint comes from AWS_ENDPOINT_URL_S3).
    ...(env.localAws
      ? { usePathStyle: true, skipCredentialsValidation: true, skipRequestingAccountId: true, skipMetadataApiCheck: true, skipRegionValidation: true }
      : {}),
  });
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
  return backend;
}

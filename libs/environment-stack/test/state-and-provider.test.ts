import { defineEnvironment, type EnvironmentInput } from '@canaryfleet/config';
import { base } from './environment-input';
import { App, Testing } from 'cdktf';
import { EnvironmentStack, StateBucketStack, stateKey } from '../src';


type Doc = {
  terraform: { backend: Record<string, Record<string, unknown>> };
  provider: { aws: Array<Record<string, unknown>> };
  resource: Record<string, Record<string, Record<string, unknown>>>;
};

function synthEnvironment(input: EnvironmentInput): Doc {
  return JSON.parse(Testing.synth(new EnvironmentStack(Testing.app(), defineEnvironment(input)))) as Doc;
}

function synthStateBucket(input: EnvironmentInput): Doc {
  const stack = new StateBucketStack(new App({ outdir: 'unused' }), 'state-dev', { config: defineEnvironment(input), localStatePath: '../../state/dev.tfstate' });
  return JSON.parse(Testing.synth(stack)) as Doc;
}

describe('remote state', () => {
  test('S3 backend per environment: key <project>/<env>/<stack>.tfstate, encrypted, lockfile locking', () => {
    expect(synthEnvironment(base).terraform.backend.s3).toEqual({
      bucket: 'canaryfleet-tfstate-test',
      key: 'canaryfleet/dev/inference.tfstate',
      region: 'eu-central-1',
      encrypt: true,
      use_lockfile: true,
    });
  });

  test('stateKey follows the key prefix', () => {
    expect(stateKey({ name: 'prod', stateBackend: { bucket: 'b', keyPrefix: 'ml', region: 'us-east-1' } }, 'inference')).toBe('ml/prod/inference.tfstate');
  });

  test('the local environment talks path-style to moto and skips real-AWS checks', () => {
    expect(synthEnvironment({ ...base, localAws: true }).terraform.backend.s3).toMatchObject({
      use_path_style: true,
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
    });
  });
});

describe('AWS provider', () => {
  test('pins the region and the account, and tags everything', () => {
    expect(synthEnvironment(base).provider.aws[0]).toEqual({
      region: 'eu-west-1',
      allowed_account_ids: ['111111111111'],
      default_tags: [{ tags: { Project: 'canaryfleet', Environment: 'dev', ManagedBy: 'terraform' } }],
    });
  });

  test('skips credential, account and metadata checks only for the local AWS', () => {
    expect(synthEnvironment({ ...base, localAws: true, account: undefined, github: undefined }).provider.aws[0]).toMatchObject({
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: 'true',
      s3_use_path_style: true,
    });
    expect(synthEnvironment(base).provider.aws[0].skip_credentials_validation).toBeUndefined();
  });
});

describe('StateBucketStack', () => {
  test('keeps its own state in a local file', () => {
    expect(synthStateBucket(base).terraform.backend).toEqual({ local: { path: '../../state/dev.tfstate' } });
  });

  test('a versioned, KMS-encrypted, private, logged state bucket that terraform never destroys', () => {
    const doc = synthStateBucket(base);
    expect(doc.resource.aws_s3_bucket.state_bucket).toMatchObject({ bucket: 'canaryfleet-tfstate-test', force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(doc.provider.aws[0].region).toBe('eu-central-1');
    expect(Object.keys(doc.resource.aws_s3_bucket_logging)).toHaveLength(1);
    expect(Object.keys(doc.resource.aws_s3_bucket_public_access_block)).toHaveLength(2);
  });

  test('on moto the bucket may be destroyed and drops the TLS-only statement moto cannot evaluate', () => {
    const doc = synthStateBucket({ ...base, localAws: true });
    expect(doc.resource.aws_s3_bucket.state_bucket.force_destroy).toBe(true);
    expect(doc.resource.aws_s3_bucket.state_bucket.lifecycle).toBeUndefined();
  });
});

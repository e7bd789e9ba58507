import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { Testing } from 'cdktf';
import { SecureBucket, type SecureBucketProps } from '../src';

type Synthesized = { resource: Record<string, Record<string, Record<string, unknown>>>; data: Record<string, Record<string, { statement: Array<Record<string, unknown>> }>> };

function synth(props: Partial<SecureBucketProps> = {}): { json: string; doc: Synthesized } {
  const json = Testing.synthScope((scope) => {
    const logs = new SecureBucket(scope, 'logs', { bucketName: 'example-logs', logicalId: 'example_logs', encryption: 'AES256' });
    new SecureBucket(scope, 'data', { bucketName: 'example-data', logicalId: 'example_data', accessLogs: { target: logs, prefix: 'data/' }, ...props });
  });
  return { json, doc: JSON.parse(json) as Synthesized };
}

const statementsOf = (doc: Synthesized, bucket: 'logs' | 'data') =>
  Object.entries(doc.data.aws_iam_policy_document).find(([id]) => id.startsWith(`${bucket}_`))?.[1].statement ?? [];

describe('SecureBucket', () => {
  test('pins the bucket address', () => {
    expect(Object.keys(synth().doc.resource.aws_s3_bucket).sort()).toEqual(['example_data', 'example_logs']);
  });

  test('blocks every kind of public access and disables ACLs', () => {
    const { json } = synth();
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: 'BucketOwnerEnforced' } });
  });

  test('encrypts with KMS by default and SSE-S3 when asked', () => {
    const algorithms = Object.values(synth().doc.resource.aws_s3_bucket_server_side_encryption_configuration).map(
      (c) => (c.rule as Array<{ apply_server_side_encryption_by_default: { sse_algorithm: string } }>)[0].apply_server_side_encryption_by_default.sse_algorithm,
    );
    expect(algorithms.sort()).toEqual(['AES256', 'aws:kms']);
  });

  test('versioned, with lifecycle rules for noncurrent versions and incomplete uploads', () => {
    const { doc } = synth({ expireAfterDays: 30 });
    expect(Object.values(doc.resource.aws_s3_bucket_versioning).every((v) => (v.versioning_configuration as { status: string }).status === 'Enabled')).toBe(true);
    const ids = Object.values(doc.resource.aws_s3_bucket_lifecycle_configuration).flatMap((c) => (c.rule as Array<{ id: string }>).map((r) => r.id));
    expect(ids).toEqual(expect.arrayContaining(['abort-incomplete-uploads', 'expire-noncurrent-versions', 'expire-objects']));
  });

  test('denies non-TLS access by default', () => {
    expect(statementsOf(synth().doc, 'data')).toContainEqual(
      expect.objectContaining({ sid: 'DenyInsecureTransport', effect: 'Deny', condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] }),
    );
  });

  test('drops the TLS-only statement only when told (moto)', () => {
    expect(statementsOf(synth({ tlsOnly: false }).doc, 'data').map((s) => s.sid)).not.toContain('DenyInsecureTransport');
  });

  test('access logging waits for the target bucket policy', () => {
    const logging = Object.values(synth().doc.resource.aws_s3_bucket_logging)[0];
    expect(logging.target_prefix).toBe('data/');
    expect(logging.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\.logs_policy/)]);
  });
});

import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA as S3BucketLogging } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA as S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';

export interface SecureBucketProps {
  readonly bucketName: string;
  /** Terraform address the bucket keeps across refactors (stateful). */
  readonly logicalId: string;
  /**
   * `aws:kms` (AWS managed key) by default. `AES256` only where the writer cannot use KMS
   * (ALB access log delivery supports SSE-S3 only). @default 'aws:kms'
   */
  readonly encryption?: 'aws:kms' | 'AES256';
  /** Keep old object versions (state files). @default true */
  readonly versioned?: boolean;
  /** Delete current objects after this many days; unset keeps them. */
  readonly expireAfterDays?: number;
  /** Delete noncurrent versions after this many days. @default 90 */
  readonly noncurrentVersionDays?: number;
  /** Bucket receiving this bucket's server access logs (CKV_AWS_18); unset only with a reason. */
  readonly accessLogs?: { readonly target: SecureBucket; readonly prefix: string };
  /** Statements added to the bucket policy (which always denies non-TLS access). */
  readonly extraPolicyStatements?: readonly DataAwsIamPolicyDocumentStatement[];
  /**
   * Deny every request not made over TLS. Turned off only for moto (local environment): moto evaluates
   * the policy without the aws:SecureTransport key and so denies every request, TLS or not. @default true
   */
  readonly tlsOnly?: boolean;
  /** Allow `terraform destroy` with objects inside: local (moto) environments only. @default false */
  readonly forceDestroy?: boolean;
}

/**
 * An S3 bucket with the secure defaults every bucket of this project needs: private (public access
 * block, owner-enforced objects), encrypted, TLS-only, lifecycle-managed, optionally versioned and logged.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  /** Absent only when no statement applies (tlsOnly off and no extra statements): S3 rejects an empty policy. */
  readonly policy?: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: props.forceDestroy ?? false });
    this.bucket.overrideLogicalId(props.logicalId);

    const publicAccess = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    const encryption = props.encryption ?? 'aws:kms';
    new S3BucketServerSideEncryptionConfiguration(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: encryption }, bucketKeyEnabled: encryption === 'aws:kms' }],
    });
    const versioned = props.versioned ?? true;
    const versioning = new S3BucketVersioning(this, 'versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: versioned ? 'Enabled' : 'Suspended' },
    });

    const rules: S3BucketLifecycleConfigurationRule[] = [
      { id: 'abort-incomplete-uploads', status: 'Enabled', filter: [{ prefix: '' }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }] },
      { id: 'expire-noncurrent-versions', status: 'Enabled', filter: [{ prefix: '' }], noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 90 }] },
    ];
    if (props.expireAfterDays !== undefined) {
      rules.push({ id: 'expire-objects', status: 'Enabled', filter: [{ prefix: '' }], expiration: [{ days: props.expireAfterDays }] });
    }
    new S3BucketLifecycleConfiguration(this, 'lifecycle', { bucket: this.bucket.id, rule: rules, dependsOn: [versioning] });

    if (props.accessLogs) {
      // S3 checks the target's policy grants log delivery, so that policy must exist first.
      new S3BucketLogging(this, 'logging', {
        bucket: this.bucket.id,
        targetBucket: props.accessLogs.target.bucket.id,
        targetPrefix: props.accessLogs.prefix,
        dependsOn: props.accessLogs.target.policy ? [props.accessLogs.target.policy] : [],
      });
    }

    const statements: DataAwsIamPolicyDocumentStatement[] = [
      // Grants first: statement order means nothing to IAM, but moto's log-delivery check stops at
      // the first statement whose principal is "*" (docs/local-aws.md, moto gaps).
      ...(props.extraPolicyStatements ?? []),
      ...(props.tlsOnly === false
        ? []
        : [
            {
              sid: 'DenyInsecureTransport',
              effect: 'Deny',
              actions: ['s3:*'],
              resources: [this.bucket.arn, `${this.bucket.arn}/*`],
              principals: [{ type: '*', identifiers: ['*'] }],
              condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
            },
          ]),
    ];
    if (statements.length > 0) {
      const document = new DataAwsIamPolicyDocument(this, 'policy-document', { statement: statements });
      // After the public access block, so a policy is never briefly evaluated without it.
      this.policy = new S3BucketPolicy(this, 'policy', { bucket: this.bucket.id, policy: document.json, dependsOn: [publicAccess] });
    }
  }
}

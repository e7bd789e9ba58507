import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import { SecureBucket } from '@canaryfleet/storage';
import { Construct } from 'constructs';

export interface AccessLogBucketProps {
  readonly bucketName: string;
  /** Key prefix the ALB writes under. */
  readonly prefix: string;
  /** The account whose load balancers write here (a reference to the caller identity is fine). */
  readonly accountId: string;
  /** Days access logs are kept: 1..3650. */
  readonly retentionDays: number;
  /** Allow `terraform destroy` with logs inside: local (moto) environments only. @default false */
  readonly forceDestroy?: boolean;
  /** Deny requests not made over TLS; off only on moto (docs/local-aws.md, moto gaps). @default true */
  readonly tlsOnly?: boolean;
}

/**
 * The ALB access-log bucket: private, SSE-S3 (ALB log delivery supports no KMS), TLS-only, expiring.
 * Both delivery principals may write: the regional ELB account (regions before August 2022, e.g.
 * us-east-1 = 127311923021, from `aws_elb_service_account`) and the log-delivery service principal
 * (newer regions), so the same code works in every region.
 */
export class AccessLogBucket extends Construct {
  readonly secureBucket: SecureBucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const elbAccount = new DataAwsElbServiceAccount(this, 'elb-account', {});
    // Only this account's logs: ELB writes under AWSLogs/<account>/, and neither delivery principal takes
    // a source condition in ELB's documented policy, so the key prefix is the confused-deputy guard.
    const objects = `arn:aws:s3:::${props.bucketName}/${props.prefix}/AWSLogs/${props.accountId}/*`;
    this.secureBucket = new SecureBucket(this, 'bucket', {
      bucketName: props.bucketName,
      logicalId: 'alb_access_log_bucket',
      encryption: 'AES256',
      versioned: true,
      noncurrentVersionDays: 7,
      expireAfterDays: props.retentionDays,
      forceDestroy: props.forceDestroy ?? false,
      tlsOnly: props.tlsOnly ?? true,
      extraPolicyStatements: [
        { sid: 'AllowElbAccountLogDelivery', effect: 'Allow', actions: ['s3:PutObject'], resources: [objects], principals: [{ type: 'AWS', identifiers: [elbAccount.arn] }] },
        {
          sid: 'AllowElbServiceLogDelivery',
          effect: 'Allow',
          actions: ['s3:PutObject'],
          resources: [objects],
          principals: [{ type: 'Service', identifiers: ['logdelivery.elasticloadbalancing.amazonaws.com'] }],
        },
      ],
    });
  }
}

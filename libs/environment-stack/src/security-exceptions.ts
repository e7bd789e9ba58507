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
];

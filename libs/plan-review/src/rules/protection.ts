import { attributeChanges } from '../attribute-diff';
import { UNKNOWN } from '../sensitive';
import { isTrue, type Risk, type RiskRule } from '../risk';

/** Attribute names (the last path segment) that are a protection when true. */
const ON_WHEN_TRUE = new Set([
  'enable_deletion_protection',
  'deletion_protection',
  'drop_invalid_header_fields',
  'encrypted',
  'block_public_acls',
  'block_public_policy',
  'ignore_public_acls',
  'restrict_public_buckets',
  'enable_key_rotation',
  'bucket_key_enabled',
]);

/** Resources whose deletion turns a protection off for something else (a bucket, an account). */
const PROTECTION_TYPES: Readonly<Record<string, string>> = {
  aws_s3_bucket_server_side_encryption_configuration: 'bucket encryption configuration removed',
  aws_s3_bucket_public_access_block: 'bucket public access block removed',
  aws_s3_bucket_versioning: 'bucket versioning configuration removed',
  aws_ebs_encryption_by_default: 'EBS encryption by default removed',
};

function leaf(path: string): string {
  return path.replace(/\[\d+\]/g, '').split('.').pop() ?? path;
}

function turnedOff(path: string, before: unknown, after: unknown): boolean {
  const name = leaf(path);
  if (ON_WHEN_TRUE.has(name)) return isTrue(before) && !isTrue(after) && after !== UNKNOWN;
  if (name === 'http_tokens') return before === 'required' && after === 'optional';
  if (name === 'status' && path.includes('versioning_configuration')) return before === 'Enabled' && after !== 'Enabled';
  if (name === 'sse_algorithm') return typeof before === 'string' && before !== '' && (after === undefined || after === '');
  return false;
}

/** Deletion protection, encryption, IMDSv2, public access blocks or versioning turned off. */
export const protectionRules: RiskRule = (change) => {
  const removed = PROTECTION_TYPES[change.type];
  if (removed && change.kind === 'delete') return [{ rule: 'protection-off', address: change.address, reason: removed }];
  if (change.kind !== 'update' && change.kind !== 'replace') return [];
  return attributeChanges(change)
    .filter((item) => turnedOff(item.path, item.before, item.after))
    .map((item): Risk => ({ rule: 'protection-off', address: change.address, attribute: item.path, reason: `${leaf(item.path)} turned off (${String(item.before)} → ${item.after === undefined ? '(none)' : String(item.after)})` }));
};

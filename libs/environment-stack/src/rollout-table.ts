import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';

export interface RolloutTableProps {
  readonly environment: string;
  readonly accountId: string;
  /** Refuse `DeleteTable` (the journal is the record of every traffic move). @default true */
  readonly deletionProtection?: boolean;
}

/**
 * The rollout operator's lease and journal (issue 10): one item collection per environment, keyed
 * `pk`/`sk`, on demand, encrypted with a customer managed key, with point-in-time recovery and TTL on
 * `expiresAt`. The journal is also what the traffic state is recovered from if its parameter is lost
 * (docs/traffic-state.md, "Recovery").
 */
export class RolloutTable extends Construct {
  readonly table: DynamodbTable;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: RolloutTableProps) {
    super(scope, id);
    const name = `canaryfleet-${props.environment}-rollouts`;
    this.key = new KmsKey(this, 'key', {
      description: `canaryfleet ${props.environment} rollout lease and journal`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // The account administers the key and IAM policies grant its use (the operator's, through DynamoDB only).
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${props.accountId}:root` }, Action: 'kms:*', Resource: '*' }],
      }),
    });
    this.key.overrideLogicalId('rollout_table_key');
    new KmsAlias(this, 'alias', { name: `alias/${name}`, targetKeyId: this.key.keyId });
    this.table = new DynamodbTable(this, 'table', {
      name,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'pk',
      rangeKey: 'sk',
      attribute: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'S' },
      ],
      serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
      pointInTimeRecovery: { enabled: true },
      ttl: { attributeName: 'expiresAt', enabled: true },
      deletionProtectionEnabled: props.deletionProtection ?? true,
      tags: { Name: name },
    });
    this.table.overrideLogicalId('rollout_table');
  }
}

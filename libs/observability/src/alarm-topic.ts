import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  readonly environment: string;
  /** Region of the alarms that publish (the key trusts them only). */
  readonly region: string;
  /** Subscribed by email when set (the recipient confirms once). */
  readonly email?: string;
}

/**
 * The SNS topic alarms notify, encrypted with a customer managed key: CloudWatch cannot publish to a
 * topic encrypted with the AWS managed `aws/sns` key, so the key policy grants CloudWatch explicitly.
 */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  /** The topic's key: publishers need kms:GenerateDataKey* and kms:Decrypt on it. */
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const caller = new DataAwsCallerIdentity(this, 'caller', {});
    const key = (this.key = new KmsKey(this, 'key', {
      description: `canaryfleet ${props.environment} alarm topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // A JSON document (references interpolated), like every policy here: the posture test reads them all.
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${caller.accountId}:root` }, Action: 'kms:*', Resource: '*' },
          {
            Sid: 'CloudWatchPublishes',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            // Confused-deputy guard: only this environment's alarms, in this account.
            Condition: {
              StringEquals: { 'aws:SourceAccount': caller.accountId },
              ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${props.region}:${caller.accountId}:alarm:canaryfleet-${props.environment}-*` },
            },
          },
        ],
      }),
    }));
    new KmsAlias(this, 'alias', { name: `alias/canaryfleet-${props.environment}-alarms`, targetKeyId: key.keyId });
    this.topic = new SnsTopic(this, 'topic', { name: `canaryfleet-${props.environment}-alarms`, kmsMasterKeyId: key.arn });
    if (props.email) {
      new SnsTopicSubscription(this, 'email', { topicArn: this.topic.arn, protocol: 'email', endpoint: props.email });
    }
  }
}

import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { RolloutEvent } from '@canaryfleet/rollout';

/** Events a person must hear about, to the environment's SNS topic (start, each step, pause, promotion, rollback). */
export class Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
    private readonly environment: string,
  ) {}

  async publish(event: RolloutEvent): Promise<void> {
    // SNS subjects: ASCII, at most 100 characters.
    const subject = `canary ${this.environment} ${event.rolloutId}: ${event.reason}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: subject,
        Message: JSON.stringify({ environment: this.environment, ...event }, null, 2),
        MessageAttributes: { reason: { DataType: 'String', StringValue: event.reason }, severity: { DataType: 'String', StringValue: event.severity } },
      }),
    );
  }
}

import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AlarmObservation, AlarmState } from '@canaryfleet/rollout';

/** States of the fleets' CloudWatch alarms (outputs `alarm_names`). */
export class AlarmStates {
  constructor(
    private readonly cloudWatch: CloudWatchClient,
    private readonly names: readonly string[],
  ) {}

  async read(): Promise<AlarmObservation[]> {
    const observed: AlarmObservation[] = [];
    // DescribeAlarms takes at most 100 names per call.
    for (let i = 0; i < this.names.length; i += 100) {
      let NextToken: string | undefined;
      do {
        const page = await this.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: this.names.slice(i, i + 100), NextToken }));
        for (const alarm of page.MetricAlarms ?? []) observed.push({ name: alarm.AlarmName ?? '', state: (alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmState });
        NextToken = page.NextToken;
      } while (NextToken);
    }
    return observed;
  }
}

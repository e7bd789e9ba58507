import { byColour, FLEET_COLOURS, type FleetColour } from '@canaryfleet/traffic-state';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmMetricQuery } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { PropError, requireIntegerIn } from '@canaryfleet/config';
import { Token } from 'cdktf';
import { Construct } from 'constructs';

export interface FleetAlarmsProps {
  readonly environment: string;
  /** `app/<name>/<id>` of the ALB (the CloudWatch LoadBalancer dimension). */
  readonly loadBalancerArnSuffix: string;
  /** `targetgroup/<name>/<id>` per fleet (the CloudWatch TargetGroup dimension). */
  readonly targetGroupArnSuffixes: Record<FleetColour, string>;
  /** p99 TargetResponseTime that fires the latency alarm: (0, 3600] seconds. @default 10 */
  readonly p99LatencySeconds?: number;
  /** Target 5xx share of requests that fires the error alarm: (0, 100] percent. @default 1 */
  readonly target5xxPercent?: number;
  /** Topic the alarms notify. */
  readonly topicArn: string;
  /** The target groups' health check: a registered target needs `healthyThreshold` x `intervalSeconds` to turn healthy. */
  readonly healthCheck: { readonly intervalSeconds: number; readonly healthyThreshold: number };
}

const PERIOD = 60;

/** The alarms of each fleet, by kind (output `alarm_names`): the operator rolls back a canary whose alarm fires. */
export const FLEET_ALARM_KINDS = ['target_5xx_rate', 'p99_latency', 'unhealthy_hosts'] as const;
export type FleetAlarmKind = (typeof FLEET_ALARM_KINDS)[number];

/**
 * Per fleet: target 5xx rate (metric math over RequestCount), p99 TargetResponseTime and unhealthy
 * hosts; per ALB: the 5xx rate the load balancer itself generates. Missing data (an idle canary
 * fleet serves nothing) is not breaching.
 */
export class FleetAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[] = [];
  /** Alarm names per fleet and kind. */
  readonly fleetAlarmNames: Record<FleetColour, Record<FleetAlarmKind, string>>;

  constructor(scope: Construct, id: string, props: FleetAlarmsProps) {
    super(scope, id);
    const p99 = props.p99LatencySeconds ?? 10;
    const errorPercent = props.target5xxPercent ?? 1;
    if (!Token.isUnresolved(p99) && !(p99 > 0 && p99 <= 3600)) {
      throw new PropError(`p99LatencySeconds = ${p99}: must be above 0 and at most 3600 seconds`);
    }
    if (!Token.isUnresolved(errorPercent) && !(errorPercent > 0 && errorPercent <= 100)) {
      throw new PropError(`target5xxPercent = ${errorPercent}: must be a percentage above 0 and at most 100`);
    }
    requireIntegerIn('healthCheck.intervalSeconds', props.healthCheck.intervalSeconds, 5, 300, ' seconds');
    requireIntegerIn('healthCheck.healthyThreshold', props.healthCheck.healthyThreshold, 2, 10);
    const prefix = `canaryfleet-${props.environment}`;
    const lb = props.loadBalancerArnSuffix;
    const common = {
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
    };

    // The minutes a just-registered target needs to pass its first checks, plus two.
    const unhealthyMinutes = Math.ceil((props.healthCheck.healthyThreshold * props.healthCheck.intervalSeconds) / PERIOD) + 2;
    const alarmName = (colour: FleetColour, kind: FleetAlarmKind) => `${prefix}-${colour}-${kind.replace(/_/g, '-')}`;
    this.fleetAlarmNames = byColour((colour) => Object.fromEntries(FLEET_ALARM_KINDS.map((kind) => [kind, alarmName(colour, kind)])) as Record<FleetAlarmKind, string>);
    for (const colour of FLEET_COLOURS) {
      const dimensions = { LoadBalancer: lb, TargetGroup: props.targetGroupArnSuffixes[colour] };
      const names = this.fleetAlarmNames[colour];
      this.add(`${colour}-target-5xx-rate`, {
        ...common,
        alarmName: names.target_5xx_rate,
        alarmDescription: `Fleet ${colour}: target 5xx responses above ${errorPercent}% of requests`,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: errorPercent,
        metricQuery: rateQuery('HTTPCode_Target_5XX_Count', dimensions),
      });
      this.add(`${colour}-p99-latency`, {
        ...common,
        alarmName: names.p99_latency,
        alarmDescription: `Fleet ${colour}: p99 target response time above ${p99} s`,
        namespace: 'AWS/ApplicationELB',
        metricName: 'TargetResponseTime',
        dimensions,
        extendedStatistic: 'p99',
        period: PERIOD,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: p99,
      });
      // Warm-up aware: an instance joins its target groups only after its warm-up (the launch lifecycle
      // hook), so a loading model never counts; what remains is a just-registered target's first checks,
      // which the alarm waits out, and a host must be unhealthy for whole minutes (Minimum), not one sample.
      this.add(`${colour}-unhealthy-hosts`, {
        ...common,
        alarmName: names.unhealthy_hosts,
        alarmDescription: `Fleet ${colour}: a target that finished its warm-up failed its health checks for ${unhealthyMinutes} consecutive minutes`,
        namespace: 'AWS/ApplicationELB',
        metricName: 'UnHealthyHostCount',
        dimensions,
        statistic: 'Minimum',
        period: PERIOD,
        evaluationPeriods: unhealthyMinutes,
        datapointsToAlarm: unhealthyMinutes,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 0,
      });
    }
    this.add('alb-5xx-rate', {
      ...common,
      alarmName: `${prefix}-alb-5xx-rate`,
      alarmDescription: `Load balancer: 5xx responses generated by the ALB above ${errorPercent}% of requests`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: errorPercent,
      metricQuery: rateQuery('HTTPCode_ELB_5XX_Count', { LoadBalancer: lb }),
    });
  }

  private add(id: string, config: ConstructorParameters<typeof CloudwatchMetricAlarm>[2]): void {
    this.alarms.push(new CloudwatchMetricAlarm(this, id, config));
  }
}

/** 100 * errors / requests; FILL(..., 0) so a quiet minute reads as 0 %, not missing. */
function rateQuery(errorMetric: string, dimensions: Record<string, string>): CloudwatchMetricAlarmMetricQuery[] {
  const metric = (metricName: string) => ({ namespace: 'AWS/ApplicationELB', metricName, dimensions, period: PERIOD, stat: 'Sum' });
  return [
    { id: 'errors', metric: metric(errorMetric), returnData: false },
    { id: 'requests', metric: metric('RequestCount'), returnData: false },
    { id: 'rate', expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)', label: `${errorMetric} percent of RequestCount`, returnData: true },
  ];
}

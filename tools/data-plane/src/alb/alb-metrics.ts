import { PutMetricDataCommand, type CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { ALB_METRICS } from '@canaryfleet/fleet-metrics';
import { everyPeriod, periodStart, storageResolution } from '../periods';

/** What the stand-in counted for one target group in one period. */
export interface TargetGroupPeriod {
  requests: number;
  target5xx: number;
  targetConnectionErrors: number;
  responseTime: { count: number; sum: number; min: number; max: number };
}

/** One metric period of the load balancer, as counted (and then published). */
export interface AlbPeriod {
  readonly periodStart: number;
  /** Requests of the load balancer, whatever answered them. */
  requests: number;
  /** 5XX the load balancer generated itself (no target, target refused, fixed 5XX). */
  elb5xx: number;
  readonly targetGroups: Map<string, TargetGroupPeriod>;
}

export interface AlbMetricsOptions {
  readonly cloudWatch: CloudWatchClient;
  readonly periodSeconds: number;
  /** Dimension values: `app/<name>/<id>` and a group's `targetgroup/<name>/<id>`. */
  readonly loadBalancerArnSuffix: () => string;
  readonly targetGroupArnSuffix: (arn: string) => string;
}

function emptyGroup(): TargetGroupPeriod {
  return { requests: 0, target5xx: 0, targetConnectionErrors: 0, responseTime: { count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: 0 } };
}

/**
 * The metrics ALB publishes to CloudWatch (AWS/ApplicationELB, exact names and dimensions), from what the
 * stand-in counted: per target group and at load-balancer level, once per period, and like ALB nothing
 * for a metric without a nonzero value (no requests, no datapoint).
 */
export class AlbMetrics {
  private readonly open = new Map<number, AlbPeriod>();
  /** Every period with requests closed so far, in order, with exactly what was published for it. */
  readonly published: AlbPeriod[] = [];
  /** Start of the last period closed (published, or empty); -Infinity before the first. */
  lastClosedPeriodStart = Number.NEGATIVE_INFINITY;
  private readonly publisher: { stop(): Promise<void> };

  constructor(private readonly options: AlbMetricsOptions) {
    this.publisher = everyPeriod(options.periodSeconds, (start) => this.publish(start));
  }

  /** A request the load balancer answered (fixed response, or a 5XX of its own when `elb5xx`). */
  recordLoadBalancer(status: number): void {
    const period = this.period();
    period.requests += 1;
    if (status >= 500) period.elb5xx += 1;
  }

  /**
   * A request forwarded to a target of `groupArn`: the target's status and response time, or a
   * connection it refused; `elbStatus` when the load balancer answered instead of the target (502, 504).
   */
  recordTarget(groupArn: string, outcome: { readonly status?: number; readonly connectionError: boolean; readonly responseSeconds?: number; readonly elbStatus?: number }): void {
    const period = this.period();
    period.requests += 1;
    let group = period.targetGroups.get(groupArn);
    if (!group) {
      group = emptyGroup();
      period.targetGroups.set(groupArn, group);
    }
    group.requests += 1;
    if (outcome.connectionError) group.targetConnectionErrors += 1;
    if (outcome.elbStatus !== undefined && outcome.elbStatus >= 500) period.elb5xx += 1;
    if (outcome.status !== undefined && outcome.status >= 500) group.target5xx += 1;
    if (outcome.responseSeconds !== undefined) {
      const time = group.responseTime;
      time.count += 1;
      time.sum += outcome.responseSeconds;
      time.min = Math.min(time.min, outcome.responseSeconds);
      time.max = Math.max(time.max, outcome.responseSeconds);
    }
  }

  async stop(): Promise<void> {
    await this.publisher.stop();
  }

  private period(): AlbPeriod {
    const start = periodStart(Date.now(), this.options.periodSeconds);
    let period = this.open.get(start);
    if (!period) {
      period = { periodStart: start, requests: 0, elb5xx: 0, targetGroups: new Map() };
      this.open.set(start, period);
    }
    return period;
  }

  private async publish(start: number): Promise<void> {
    const period = this.open.get(start);
    this.open.delete(start);
    if (period) await this.put(period);
    this.lastClosedPeriodStart = start;
  }

  private async put(period: AlbPeriod): Promise<void> {
    const start = period.periodStart;
    this.published.push(period);
    const { names, dimensions, namespace } = ALB_METRICS;
    const Timestamp = new Date(start);
    const StorageResolution = storageResolution(this.options.periodSeconds);
    const loadBalancer = { Name: dimensions.loadBalancer, Value: this.options.loadBalancerArnSuffix() };
    const count = (MetricName: string, Value: number, Dimensions: MetricDatum['Dimensions']): MetricDatum[] =>
      Value > 0 ? [{ MetricName, Dimensions, Timestamp, Value, Unit: 'Count', StorageResolution }] : [];
    const data: MetricDatum[] = [...count(names.requests, period.requests, [loadBalancer]), ...count(names.elb5xx, period.elb5xx, [loadBalancer])];
    for (const [arn, group] of period.targetGroups) {
      const Dimensions = [loadBalancer, { Name: dimensions.targetGroup, Value: this.options.targetGroupArnSuffix(arn) }];
      data.push(...count(names.requests, group.requests, Dimensions), ...count(names.target5xx, group.target5xx, Dimensions), ...count(names.targetConnectionErrors, group.targetConnectionErrors, Dimensions));
      const time = group.responseTime;
      if (time.count > 0) {
        data.push({ MetricName: names.targetResponseTime, Dimensions, Timestamp, Unit: 'Seconds', StorageResolution, StatisticValues: { SampleCount: time.count, Sum: time.sum, Minimum: time.min, Maximum: time.max } });
      }
    }
    for (let i = 0; i < data.length; i += 500) {
      await this.options.cloudWatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(i, i + 500) }));
    }
  }
}

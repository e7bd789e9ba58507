import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { ALB_METRICS, FLEET_METRICS } from '@canaryfleet/fleet-metrics';
import type { MetricDatapoint, MetricKey, MetricSource, MetricSources } from '@canaryfleet/rollout';
import { FLEET_COLOURS, type FleetColour } from '@canaryfleet/traffic-state';

export interface MetricReaderTargets {
  readonly environment: string;
  /** `app/<name>/<id>`: the LoadBalancer dimension. */
  readonly loadBalancerSuffix: string;
  /** Weighted target groups' `targetgroup/<name>/<id>`: the TargetGroup dimension. */
  readonly targetGroupSuffixes: Readonly<Record<FleetColour, string>>;
  /** ALB's period (60 s on AWS; the local data plane's own, outputs `alb_metrics_period_seconds`). */
  readonly albPeriodSeconds: number;
  /** The fleet-published namespace and period (outputs `fleet_metrics`); null when the fleets publish nothing. */
  readonly fleet: { readonly namespace: string; readonly periodSeconds: number } | null;
}

interface QueryMeaning {
  readonly colour: FleetColour;
  readonly source: MetricSource;
  readonly metric: MetricKey;
  readonly periodSeconds: number;
}

/**
 * The queries one read makes: per weighted target group, ALB's requests, target 5XX and target
 * connection errors (both are errors: a crashed server refuses connections) at ALB's period, optionally the
 * slow-request count as the trimmed count `TC(threshold:)` of TargetResponseTime (AWS only); per fleet,
 * its own counts with Route=weighted at the fleet's period.
 */
export function metricQueries(targets: MetricReaderTargets, sources: MetricSources): { queries: MetricDataQuery[]; meanings: Map<string, QueryMeaning> } {
  const queries: MetricDataQuery[] = [];
  const meanings = new Map<string, QueryMeaning>();
  const add = (id: string, meaning: QueryMeaning, namespace: string, metricName: string, dimensions: Record<string, string>, stat: string) => {
    meanings.set(id, meaning);
    queries.push({
      Id: id,
      ReturnData: true,
      MetricStat: {
        Metric: { Namespace: namespace, MetricName: metricName, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) },
        Period: meaning.periodSeconds,
        Stat: stat,
      },
    });
  };
  for (const colour of FLEET_COLOURS) {
    const alb = { [ALB_METRICS.dimensions.loadBalancer]: targets.loadBalancerSuffix, [ALB_METRICS.dimensions.targetGroup]: targets.targetGroupSuffixes[colour] };
    const period = targets.albPeriodSeconds;
    add(`alb_${colour}_requests`, { colour, source: 'alb', metric: 'requests', periodSeconds: period }, ALB_METRICS.namespace, ALB_METRICS.names.requests, alb, 'Sum');
    add(`alb_${colour}_target5xx`, { colour, source: 'alb', metric: 'errors', periodSeconds: period }, ALB_METRICS.namespace, ALB_METRICS.names.target5xx, alb, 'Sum');
    add(`alb_${colour}_connection_errors`, { colour, source: 'alb', metric: 'errors', periodSeconds: period }, ALB_METRICS.namespace, ALB_METRICS.names.targetConnectionErrors, alb, 'Sum');
    if (!sources.fleet && sources.albSlowThresholdSeconds !== null) {
      // TC(x:) counts datapoints above x (the lower bound is exclusive): requests slower than the threshold.
      add(`alb_${colour}_slow`, { colour, source: 'alb', metric: 'slow', periodSeconds: period }, ALB_METRICS.namespace, ALB_METRICS.names.targetResponseTime, alb, `TC(${sources.albSlowThresholdSeconds}:)`);
    }
    if (sources.fleet && targets.fleet) {
      const { dimensions, names } = FLEET_METRICS;
      const fleetDimensions = { [dimensions.environment]: targets.environment, [dimensions.fleet]: colour, [dimensions.route]: 'weighted' };
      const fleetPeriod = targets.fleet.periodSeconds;
      const fleetMetric = (key: MetricKey, name: string) => add(`fleet_${colour}_${key.toLowerCase()}`, { colour, source: 'fleet', metric: key, periodSeconds: fleetPeriod }, targets.fleet?.namespace ?? FLEET_METRICS.namespace, name, fleetDimensions, 'Sum');
      fleetMetric('requests', names.requests);
      fleetMetric('errors', names.errors);
      fleetMetric('slow', names.slowRequests);
      fleetMetric('qualitySum', names.qualityScoreSum);
      fleetMetric('qualityCount', names.qualityScoreCount);
    }
  }
  return { queries, meanings };
}

/** Reads the judge's metrics from CloudWatch (GetMetricData) as datapoints; an absent datapoint simply is not there. */
export class MetricReader {
  constructor(
    private readonly cloudWatch: CloudWatchClient,
    private readonly targets: MetricReaderTargets,
    private readonly sources: MetricSources,
  ) {}

  async read(fromEpochSeconds: number, toEpochSeconds: number): Promise<MetricDatapoint[]> {
    if (toEpochSeconds <= fromEpochSeconds) return [];
    const { queries, meanings } = metricQueries(this.targets, this.sources);
    const datapoints: MetricDatapoint[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.cloudWatch.send(
        new GetMetricDataCommand({ StartTime: new Date(fromEpochSeconds * 1000), EndTime: new Date(toEpochSeconds * 1000), MetricDataQueries: queries, ScanBy: 'TimestampAscending', NextToken }),
      );
      datapoints.push(...toDatapoints(page.MetricDataResults ?? [], meanings));
      NextToken = page.NextToken;
    } while (NextToken);
    return datapoints;
  }
}

/** GetMetricData results -> datapoints (also used on recorded responses of real CloudWatch). */
export function toDatapoints(results: readonly { Id?: string; Timestamps?: Date[]; Values?: number[] }[], meanings: ReadonlyMap<string, QueryMeaning>): MetricDatapoint[] {
  const out: MetricDatapoint[] = [];
  for (const result of results) {
    const meaning = meanings.get(result.Id ?? '');
    if (!meaning) continue;
    (result.Timestamps ?? []).forEach((timestamp, i) => {
      const value = result.Values?.[i];
      if (value === undefined || !Number.isFinite(value)) return;
      out.push({ ...meaning, start: Math.floor(new Date(timestamp).getTime() / 1000), value });
    });
  }
  return out;
}

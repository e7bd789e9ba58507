/**
 * What the inference servers of a fleet publish themselves (CloudWatch PutMetricData), at 10 s: the
 * judge's fast signal, since ALB metrics come once a minute. The server image on EC2 and the local
 * stand-in publish the same names; the fleet role may put metrics only into this namespace.
 */
export const FLEET_METRICS = {
  namespace: 'CanaryFleet/Inference',
  /** High-resolution metrics (StorageResolution 1), one datapoint per metric and server every period. */
  periodSeconds: 10,
  dimensions: { environment: 'Environment', fleet: 'Fleet', route: 'Route' },
  names: {
    requests: 'RequestCount',
    /** Responses the server failed (5xx, or a request it could not complete). */
    errors: 'ErrorCount',
    /** Requests slower than the environment's slow-request threshold. */
    slowRequests: 'SlowRequestCount',
    /** Sum and count of per-response output-quality scores in [0, 1]: mean quality = sum / count. */
    qualityScoreSum: 'QualityScoreSum',
    qualityScoreCount: 'QualityScoreCount',
  },
} as const;

/**
 * How a request reached the server: `weighted` through the listener's weighted forward (judged), or
 * `pinned` through a header override's pinned target group, which targets the server's second port.
 */
export const ROUTES = ['weighted', 'pinned'] as const;
export type Route = (typeof ROUTES)[number];

/** One server's counts over one period. */
export interface FleetPeriodCounts {
  readonly requests: number;
  readonly errors: number;
  readonly slowRequests: number;
  readonly qualityScoreSum: number;
  readonly qualityScoreCount: number;
}

/** The PutMetricData input of one period, in the API's own shape (no SDK import: this is a contract). */
export interface FleetMetricDatum {
  readonly MetricName: string;
  readonly Dimensions: readonly { readonly Name: string; readonly Value: string }[];
  readonly Timestamp: Date;
  readonly Value: number;
  readonly Unit: 'Count' | 'None';
  readonly StorageResolution: 1;
}

export function fleetMetricData(labels: { readonly environment: string; readonly fleet: string; readonly route: Route }, counts: FleetPeriodCounts, periodStart: Date): FleetMetricDatum[] {
  const { dimensions, names } = FLEET_METRICS;
  const Dimensions = [
    { Name: dimensions.environment, Value: labels.environment },
    { Name: dimensions.fleet, Value: labels.fleet },
    { Name: dimensions.route, Value: labels.route },
  ];
  const datum = (MetricName: string, Value: number, Unit: 'Count' | 'None'): FleetMetricDatum => ({ MetricName, Dimensions, Timestamp: periodStart, Value, Unit, StorageResolution: 1 });
  return [
    datum(names.requests, counts.requests, 'Count'),
    datum(names.errors, counts.errors, 'Count'),
    datum(names.slowRequests, counts.slowRequests, 'Count'),
    datum(names.qualityScoreSum, counts.qualityScoreSum, 'None'),
    datum(names.qualityScoreCount, counts.qualityScoreCount, 'Count'),
  ];
}

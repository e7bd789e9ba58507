// Names of the metrics the judge reads: what ALB publishes per target group, and what the fleets publish.
export { ALB_METRICS } from './alb-metrics';
export { FLEET_METRICS, ROUTES, fleetMetricData, type Route, type FleetPeriodCounts, type FleetMetricDatum } from './fleet-metrics';

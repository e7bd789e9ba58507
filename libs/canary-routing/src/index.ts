export { CanaryRouting, TLS_POLICY, MAX_SOURCE_CIDRS, type CanaryRoutingProps, type HeaderOverride } from './canary-routing';
export { FleetTargetGroup, type FleetTargetGroupProps, type FleetHealthCheck } from './fleet-target-group';
export { TrafficStateParameter, type TrafficStateParameterProps } from './traffic-state-parameter';
export { AccessLogBucket, type AccessLogBucketProps } from './access-log-bucket';
export { terraformAction } from './listener-action';

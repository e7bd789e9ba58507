export { CanaryRouting, TLS_POLICY, type CanaryRoutingProps, type HeaderOverride } from './canary-routing';
export { FleetTargetGroup, type FleetTargetGroupProps, type FleetHealthCheck } from './fleet-target-group';
export { TrafficStateParameter, type TrafficStateParameterProps } from './traffic-state-parameter';
export { AccessLogBucket, type AccessLogBucketProps } from './access-log-bucket';
export { WeightedForwardAction, percentToAlbWeight, MAX_ALB_WEIGHT, MAX_TARGET_GROUPS_PER_ACTION, type WeightedTarget, type WeightedForwardOptions } from './weighted-forward';
export { RoutingPropError } from './validation';

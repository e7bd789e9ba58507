// The local data plane (issue 9): an ALB stand-in that follows moto's listener, inference-server
// stand-ins per fleet instance, client load, and the metrics AWS would publish.
export { AlbStandIn, type AlbStandInOptions, type AlbCounters } from './src/alb/alb-stand-in';
export { type AlbPeriod, type TargetGroupPeriod } from './src/alb/alb-metrics';
export { type ListenerConfig, type RegisteredTarget, arnSuffix } from './src/alb/listener-config';
export { type TargetState } from './src/alb/target-health';
export { GROUP_STICKINESS_COOKIE } from './src/alb/group-stickiness';
export { MODEL_CATALOG, modelBehaviour, isCatalogModelVersion, type ModelBehaviour, type CatalogModelVersion } from './src/model-catalog';
export { awsClients, type AwsClients } from './src/aws-clients';
export { parseEnvironmentOutputs, readEnvironmentOutputs, type EnvironmentOutputs } from './src/environment-outputs';

// The local data plane (issue 9, ADR 0010): an ALB stand-in that follows moto's listener, an
// inference-server stand-in per fleet instance, client load, and the metrics AWS would publish.
// Start and stop it from code (startDataPlane) or from the CLI (`nx run local:up|load|down`).
export { startDataPlane, type DataPlane, type DataPlaneOptions, type DataPlaneCounters } from './src/data-plane';
export { AlbStandIn, type AlbStandInOptions, type AlbCounters } from './src/alb/alb-stand-in';
export { type AlbPeriod, type TargetGroupPeriod } from './src/alb/alb-metrics';
export { type ListenerConfig, type RegisteredTarget, arnSuffix } from './src/alb/listener-config';
export { type TargetState } from './src/alb/target-health';
export { GROUP_STICKINESS_COOKIE } from './src/alb/group-stickiness';
export { FleetSupervisor, type PublishedFleetPeriod } from './src/fleet/fleet-supervisor';
export { MODEL_CATALOG, modelBehaviour, isCatalogModelVersion, type ModelBehaviour, type CatalogModelVersion } from './src/model-catalog';
export { seedModelArtifacts } from './src/model-artifacts';
export { runLoad, clientRates, type LoadOptions } from './src/load/load-generator';
export { formatLoadSummary, type LoadSummary, type LoadSummaryRow } from './src/load/load-summary';
export { awsClients, type AwsClients } from './src/aws-clients';
export { parseEnvironmentOutputs, readEnvironmentOutputs, type EnvironmentOutputs } from './src/environment-outputs';
export { readDataPlaneState, DATA_PLANE_LOG_FILE, type DataPlaneState } from './src/cli/data-plane-state';

export { InferenceFleet, GPU_AMI_PARAMETER, CPU_AMI_PARAMETER, WARM_UP_HOOK, amiSourceParameter, type InferenceFleetProps } from './inference-fleet';
export { FleetRole, parseS3Uri, type FleetRoleProps } from './fleet-role';
export { FleetAmiParameter, fleetAmiParameterName, type FleetAmiParameterProps } from './fleet-ami-parameter';
export { renderUserData, startScript, warmUpScript, shellQuote, ecrRegistry, type UserDataProps } from './user-data';

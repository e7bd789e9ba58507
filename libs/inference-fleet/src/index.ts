export { InferenceFleet, GPU_AMI_PARAMETER, CPU_AMI_PARAMETER, amiSourceParameter, type InferenceFleetProps } from './inference-fleet';
export { FleetRole, parseS3Uri, type FleetRoleProps } from './fleet-role';
export { FleetAmiParameter, fleetAmiParameterName, type FleetAmiParameterProps } from './fleet-ami-parameter';
export { renderUserData, shellQuote, ecrRegistry, type UserDataProps } from './user-data';
export { FleetPropError } from './validation';

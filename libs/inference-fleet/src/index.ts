export { InferenceFleet, GPU_AMI_PARAMETER, CPU_AMI_PARAMETER, type InferenceFleetProps } from './inference-fleet';
export { FleetRole, parseS3Uri, type FleetRoleProps } from './fleet-role';
export { renderUserData, shellQuote, ecrRegistry, type UserDataProps } from './user-data';
export { FleetPropError } from './validation';

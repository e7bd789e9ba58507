export { ConfigError, defineEnvironment, assertDistinctNetworks } from './define-environment';
export type { EnvironmentConfig, EnvironmentInput } from './schema';
export { isGpuInstanceType } from './instance-types';
export { parseCidr, formatCidr, subnetOf, cidrsOverlap, type Ipv4Block } from './cidr';
export { FLEET_COLOURS, otherColour, trafficStateSchema, trafficStateParameterName, initialTrafficState, type FleetColour, type TrafficState } from './traffic-state';
export { PROJECT } from './project';

export { ConfigError, defineEnvironment, assertDistinctNetworks } from './define-environment';
export type { EnvironmentConfig, EnvironmentInput } from './schema';
export { isGpuInstanceType } from './instance-types';
export { parseCidr, formatCidr, subnetOf, cidrsOverlap, type Ipv4Block } from './cidr';
export { MAX_HEADER_OVERRIDE_CIDRS } from './header-override-cidrs';
export { PROJECT } from './project';

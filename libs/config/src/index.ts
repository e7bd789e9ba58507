export { ConfigError, defineEnvironment, assertDistinctNetworks } from './define-environment';
export type { EnvironmentConfig, EnvironmentInput } from './schema';
export { isGpuInstanceType, INSTANCE_TYPE_PATTERN } from './instance-types';
export { parseIpv4Cidr, isIpv6Cidr, splitCidr, cidrsOverlap } from './cidr';
export { MAX_HEADER_OVERRIDE_CIDRS } from './header-override-cidrs';
export { PROJECT } from './project';
export { MAX_ZONE_SLOT } from './schema';
export { PropError, isKnown, requireIntegerIn } from './prop-error';

export { Network, type NetworkProps } from './network';
export { ServiceSecurityGroups, type ServiceSecurityGroupsProps } from './service-security-groups';
export { subnetLayout, type ZoneSubnets } from './subnet-layout';
export { InterfaceEndpoints, FLEET_ENDPOINT_SERVICES, type InterfaceEndpointsProps } from './interface-endpoints';
export { ZoneOfferingCheck, type ZoneOfferingCheckProps } from './zone-offering-check';

export { Network, type NetworkProps } from './network';
export { ServiceSecurityGroups, type ServiceSecurityGroupsProps } from './service-security-groups';
export { subnetLayout, MAX_AZS, type SubnetLayout } from './subnet-layout';

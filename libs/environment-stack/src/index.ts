export { EnvironmentStack, ENVIRONMENT_STACK } from './environment-stack';
export { StateBucketStack, type StateBucketStackProps } from './state-bucket-stack';
export { stateKey } from './remote-state';
export { synthEnvironment } from './synth-environment';
export {
  SECURITY_EXCEPTIONS,
  IAM_ACTIONS_ON_ANY_RESOURCE,
  AWS_MANAGED_POLICY_ALLOW_LIST,
  type SecurityException,
  type IamActionException,
  type ManagedPolicyException,
} from './security-exceptions';
export { RolloutTable, type RolloutTableProps } from './rollout-table';
export { OperatorPolicy, type OperatorPolicyProps } from './operator-policy';

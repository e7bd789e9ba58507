export { EnvironmentStack, ENVIRONMENT_STACK } from './environment-stack';
export { awsProvider } from './aws-provider';
export { StateBucketStack, type StateBucketStackProps } from './state-bucket-stack';
export { stateKey } from './remote-state';
export { synthEnvironment } from './synth-environment';
export {
  SECURITY_EXCEPTIONS,
  IAM_ACTIONS_ON_ANY_RESOURCE,
  AWS_MANAGED_POLICY_ALLOW_LIST,
  SERVICE_PRINCIPALS_WITHOUT_SOURCE_CONDITIONS,
  type ServicePrincipalException,
  type SecurityException,
  type IamActionException,
  type ManagedPolicyException,
} from './security-exceptions';
export { RolloutTable, type RolloutTableProps } from './rollout-table';
export { OperatorPolicy, type OperatorPolicyProps } from './operator-policy';
export { GithubRoles, githubRoleName, githubEnvironmentOf, GITHUB_ROLE_KINDS, GITHUB_OIDC_HOST, type GithubRoleKind, type GithubRolesProps } from './github-roles';

// The face of the project's tooling, for tests and scripts: terraform runs and the local AWS.
export { WORKSPACE_ROOT, distRoot } from './workspace-root';
export { runMain } from './run-main';
export { synthApp } from './cdktf/synth-app';
export { ENVIRONMENTS, CDKTF_APPS, type EnvironmentName } from './cdktf/apps';
export { loadEnvironmentConfig } from './cdktf/environment-config';
export { findProviderMirror, renderCliConfig, writeCliConfig } from './terraform/cli-config';
export { runTerraform, terraformEnv, TerraformError, type TerraformResult, type TerraformOptions } from './terraform/run-terraform';
export { startMoto, localAwsEnv, localAwsClientConfig, freeLoopbackPort, motoAvailable, terraformAvailable, LOCAL_REGION, type LocalAws } from './local-aws/moto';
export { requireIntegrationTools } from './local-aws/integration-guard';
export { readMotoState, processAlive, type MotoState } from './local-aws/state-file';
export { LocalEnvironment, type LocalOutputs, type ToolResult } from './local-aws/local-environment';
export { attachSharedDeployment } from './local-aws/shared-deployment';
export { shellcheck, shellcheckAvailable, requireShellcheck, type ShellcheckFinding, type ShellcheckOptions } from './workflows/shellcheck';
export { remainingStackResources } from './local-aws/remaining-resources';
export { localShellEnv } from './local-aws/shell-env';
export { until } from './jest/until';

import { writeCliConfig } from '../terraform/cli-config';
import { localAwsEnv } from './moto';

/**
 * What a shell needs to run terraform, the AWS CLI and the cdktf CLI against the moto at `endpoint`
 * (`source .local/aws-env.sh`): the endpoint and fake credentials, the project's terraform CLI config
 * (the offline mirror when there is one), no checkpoint calls from terraform or the cdktf CLI, and
 * `terraform init` (the CLI's too) held to the committed lock file, as the nx targets are.
 */
export function localShellEnv(endpoint: string): Record<string, string> {
  return {
    ...localAwsEnv(endpoint),
    TF_CLI_CONFIG_FILE: writeCliConfig(),
    CHECKPOINT_DISABLE: '1',
    TF_CLI_ARGS_init: '-lockfile=readonly',
  };
}

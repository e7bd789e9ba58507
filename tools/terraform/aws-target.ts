import { localAwsEnv } from '../local-aws/moto';
import { readMotoState } from '../local-aws/state-file';

/**
 * Environment for terraform runs of an app. Real environments use the caller's AWS credentials
 * unchanged; local ones need the moto started by `nx run local:aws-up` (or AWS_ENDPOINT_URL set).
 */
export function awsTargetEnv(app: string, localAws: boolean): Record<string, string> {
  if (!localAws) return {};
  if (process.env.AWS_ENDPOINT_URL?.startsWith('http://127.0.0.1')) return localAwsEnv(process.env.AWS_ENDPOINT_URL);
  const moto = readMotoState();
  if (!moto) {
    throw new Error(`${app}: the local AWS is not running; start it with \`npx nx run local:aws-up\` (or set AWS_ENDPOINT_URL to a moto on 127.0.0.1)`);
  }
  return localAwsEnv(moto.endpoint);
}

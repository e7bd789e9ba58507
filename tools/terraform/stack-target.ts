import { loadEnvironmentConfig } from '../cdktf/environment-config';
import { awsTargetEnv } from './aws-target';
import type { SynthesizedStack } from './stacks';

/** The environment a stack belongs to: the app itself, or `state-<env>` in the bootstrap app. */
export function environmentOf(app: string, stack: SynthesizedStack): string {
  return app === 'bootstrap' ? stack.name.replace(/^state-/, '') : app;
}

/** Terraform environment variables for one stack (the local AWS endpoint for local stacks). */
export function stackEnv(app: string, stack: SynthesizedStack): Record<string, string> {
  const environment = environmentOf(app, stack);
  return awsTargetEnv(environment, loadEnvironmentConfig(environment).localAws);
}

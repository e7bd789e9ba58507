import type { EnvironmentConfig } from '@canaryfleet/config';
import { App } from 'cdktf';
import { EnvironmentStack } from './environment-stack';

/** The whole body of an environment app: one validated config in, synthesized Terraform out. */
export function synthEnvironment(config: EnvironmentConfig): EnvironmentStack {
  const app = new App();
  const stack = new EnvironmentStack(app, config);
  app.synth();
  return stack;
}

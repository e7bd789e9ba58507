import type { EnvironmentConfig } from '@canaryfleet/config';
import path from 'node:path';
import { WORKSPACE_ROOT } from '../workspace-root';
import { ENVIRONMENTS, type EnvironmentName } from './apps';

/** An environment's validated config, loaded from its app (apps/<env>/src/config.ts). */
export function loadEnvironmentConfig(name: string): EnvironmentConfig {
  if (!(ENVIRONMENTS as readonly string[]).includes(name)) {
    throw new Error(`environment ${JSON.stringify(name)}: must be one of ${ENVIRONMENTS.join(', ')}`);
  }
  const file = path.join(WORKSPACE_ROOT, 'apps', name as EnvironmentName, 'src', 'config.ts');
  return (require(file) as { config: EnvironmentConfig }).config;
}

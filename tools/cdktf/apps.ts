import { ENVIRONMENTS, type EnvironmentName } from '@canaryfleet/environments';

export { ENVIRONMENTS, type EnvironmentName };

/** Every CDKTF app of the workspace: the environments plus the state-bucket bootstrap. */
export const CDKTF_APPS: readonly string[] = [...ENVIRONMENTS, 'bootstrap'];

/** `field` names where the value came from in the error: the env variable, or a tool's argument. */
export function assertCdktfApp(name: string | undefined, field = 'CANARYFLEET_APP'): string {
  if (!name || !CDKTF_APPS.includes(name)) {
    throw new Error(`${field} = ${JSON.stringify(name ?? null)}: must be one of ${CDKTF_APPS.join(', ')}`);
  }
  return name;
}

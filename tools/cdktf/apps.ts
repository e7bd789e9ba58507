/** The deployable environments; each is an app under apps/<name> differing only in its config. */
export const ENVIRONMENTS = ['dev', 'staging', 'prod', 'local'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** Every CDKTF app of the workspace: the environments plus the state-bucket bootstrap. */
export const CDKTF_APPS = [...ENVIRONMENTS, 'bootstrap'] as const;
export type CdktfAppName = (typeof CDKTF_APPS)[number];

/** `field` names where the value came from in the error: the env variable, or a tool's argument. */
export function assertCdktfApp(name: string | undefined, field = 'CANARYFLEET_APP'): CdktfAppName {
  if (!name || !(CDKTF_APPS as readonly string[]).includes(name)) {
    throw new Error(`${field} = ${JSON.stringify(name ?? null)}: must be one of ${CDKTF_APPS.join(', ')}`);
  }
  return name as CdktfAppName;
}

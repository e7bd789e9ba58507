/** The deployable environments; each is an app under apps/<name> differing only in its config. */
export const ENVIRONMENTS = ['dev', 'staging', 'prod', 'local'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** Every CDKTF app of the workspace: the environments plus the state-bucket bootstrap. */
export const CDKTF_APPS = [...ENVIRONMENTS, 'bootstrap'] as const;
export type CdktfAppName = (typeof CDKTF_APPS)[number];

export function assertCdktfApp(name: string | undefined): CdktfAppName {
  if (!name || !(CDKTF_APPS as readonly string[]).includes(name)) {
    throw new Error(`CANARYFLEET_APP = ${JSON.stringify(name ?? null)}: must be one of ${CDKTF_APPS.join(', ')}`);
  }
  return name as CdktfAppName;
}

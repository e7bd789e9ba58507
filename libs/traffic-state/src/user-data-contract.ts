/**
 * How an instance finds its release in the document (DESIGN.md #5): the fleet's user data runs
 * `jq --arg colour <blue|green> "$RELEASE_JQ"` on the parameter's value. Changing the document's shape
 * means changing this path, and the user-data test checks the rendered script uses it.
 */
export const RELEASE_JQ = '.releases[$colour] // empty';

/** Fields of a release the instance reads, in the order the start script reads them. */
export const RELEASE_FIELDS = ['modelVersion', 'serverImage', 'amiId'] as const;

export function trafficStateParameterName(environment: string): string {
  return `/canaryfleet/${environment}/traffic-state`;
}

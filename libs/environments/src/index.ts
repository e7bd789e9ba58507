// The environment list, in deploy order: its one home is libs/environments/environments.json. Tools and
// the bootstrap app read it here and the workflows read the file with jq. nx sees each environment as a
// project tagged scope:environment; a test holds the tags and the list equal (ADR 0013).
import document from '../environments.json';
import { parseEnvironmentList, type ListedEnvironment } from './environment-list';

export { parseEnvironmentList, type ListedEnvironment } from './environment-list';

/** A name from the environment list. */
export type EnvironmentName = string;

const LIST: readonly ListedEnvironment[] = parseEnvironmentList(document, 'libs/environments/environments.json');

/** Every environment, in deploy order (dev before staging before prod). */
export const ENVIRONMENTS: readonly EnvironmentName[] = LIST.map((entry) => entry.name);

/** The environments the GitHub workflows plan and deploy, in deploy order. */
export const WORKFLOW_ENVIRONMENTS: readonly EnvironmentName[] = LIST.filter((entry) => entry.deployedByWorkflows).map((entry) => entry.name);

/** `field` says where the value came from in the error (an env variable, a tool's argument). */
export function assertEnvironmentName(name: string | undefined, field: string): EnvironmentName {
  if (!name || !ENVIRONMENTS.includes(name)) throw new Error(`${field} = ${JSON.stringify(name ?? null)}: must be one of ${ENVIRONMENTS.join(', ')}`);
  return name;
}

/** One environment of the list: an app under apps/<name> whose config differs from the others only in values. */
export interface ListedEnvironment {
  readonly name: string;
  /** Whether the GitHub workflows plan and deploy it (an AWS account behind it); `local` runs on moto. */
  readonly deployedByWorkflows: boolean;
}

// The same rule as the config schema's `name`, so a listed name can be an environment's name.
const NAME = /^[a-z][a-z0-9-]{1,15}$/;

/** Checks the list file's shape; every problem names the file, the entry and what is allowed. */
export function parseEnvironmentList(document: unknown, source: string): readonly ListedEnvironment[] {
  const entries = (document as { environments?: unknown } | null)?.environments;
  if (!Array.isArray(entries) || entries.length === 0) throw new Error(`${source}: "environments" must be a non-empty array of { name, deployedByWorkflows }`);
  const seen = new Set<string>();
  return entries.map((entry: unknown, i) => {
    const { name, deployedByWorkflows } = (entry ?? {}) as Record<string, unknown>;
    const where = `${source}: environments[${i}]`;
    if (typeof name !== 'string' || !NAME.test(name)) throw new Error(`${where}.name = ${JSON.stringify(name ?? null)}: must be 2-16 lowercase letters, digits or -, starting with a letter`);
    if (seen.has(name)) throw new Error(`${where}.name = "${name}": listed twice; each environment once`);
    if (typeof deployedByWorkflows !== 'boolean') throw new Error(`${where}.deployedByWorkflows = ${JSON.stringify(deployedByWorkflows ?? null)}: must be true or false`);
    seen.add(name);
    return { name, deployedByWorkflows };
  });
}

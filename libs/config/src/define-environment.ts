import type { z } from 'zod';
import { cidrsOverlap, parseIpv4Cidr } from './cidr';
import { environmentSchema, type EnvironmentConfig, type EnvironmentInput } from './schema';

/** Bad configuration: the message names the environment, each field, its value and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration for environment "${environment}":\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined), input);
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  const field = issue.path.map(String).join('.') || '(root)';
  if (issue.code === 'unrecognized_keys') {
    return `${field === '(root)' ? '' : `${field}.`}${issue.keys.join(', ')}: unknown field(s); check the spelling against libs/config/src/schema.ts`;
  }
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? 'missing' : JSON.stringify(value);
  return `${field} = ${shown}: ${issue.message}`;
}

/** Validates an environment file; throws ConfigError listing every problem at once. */
export function defineEnvironment(input: EnvironmentInput): EnvironmentConfig {
  const result = environmentSchema.safeParse(input);
  if (!result.success) {
    const name = typeof (input as { name?: unknown })?.name === 'string' ? (input as { name: string }).name : '(unnamed)';
    throw new ConfigError(name, result.error.issues.map((issue) => describe(issue, input)));
  }
  const { server, network, tier } = result.data;
  return {
    ...result.data,
    server: { ...server, pinnedPort: server.pinnedPort ?? server.port + 1 },
    network: { ...network, interfaceEndpoints: network.interfaceEndpoints ?? tier === 'production' },
  };
}

/** Environments that may be peered must not share address space: checked across all of them. */
export function assertDistinctNetworks(environments: readonly EnvironmentConfig[]): void {
  for (const [i, a] of environments.entries()) {
    for (const b of environments.slice(i + 1)) {
      const blockA = parseIpv4Cidr(a.network.vpcCidr);
      const blockB = parseIpv4Cidr(b.network.vpcCidr);
      if (blockA && blockB && cidrsOverlap(blockA, blockB)) {
        throw new ConfigError(b.name, [`network.vpcCidr = "${b.network.vpcCidr}": must not overlap environment "${a.name}" (${a.network.vpcCidr})`]);
      }
    }
  }
}

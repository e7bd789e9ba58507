import { readFileSync } from 'node:fs';
import { ALB_METRICS } from '@canaryfleet/fleet-metrics';
import { z } from 'zod';
import type { RoutingPolicy, RoutingTargets } from '@canaryfleet/traffic-state';

const byColour = <T extends z.ZodType>(value: T) => z.strictObject({ blue: value, green: value });
const name = z.string().min(1, { error: 'must be a non-empty name' });
const arn = z.string().regex(/^arn:aws[a-z-]*:/, { error: 'must be an ARN' });

/**
 * The Terraform outputs the operator reads (`nx run <env>:outputs` -> dist/outputs/<env>.json), by the
 * names the traffic engineer's stack publishes (BRIEF: "The environment outputs the operator reads").
 * Outputs the operator does not use are allowed and ignored.
 */
export const operatorOutputsSchema = z.object({
  alb_arn: arn,
  alb_arn_suffix: z.string().regex(/^app\/[^/]+\/[^/]+$/, { error: 'must be a load balancer ARN suffix like app/<name>/<id>' }),
  traffic_listener_arn: arn,
  header_rule_arns: z.strictObject({ canary: arn, stable: arn }).nullable(),
  target_group_arns: byColour(arn),
  target_group_arn_suffixes: byColour(z.string().regex(/^targetgroup\/[^/]+\/[^/]+$/, { error: 'must be a target group ARN suffix like targetgroup/<name>/<id>' })),
  pinned_target_group_arns: byColour(arn),
  asg_names: byColour(name),
  traffic_state_parameter: name,
  fleet_ami_parameters: byColour(name),
  release_defaults: z.object({ serverImage: z.string().min(1), amiSourceParameter: z.string().min(1), modelArtifactUri: z.string().min(1) }),
  routing_policy: z.object({
    environment: name,
    stickinessSeconds: z.number().int(),
    header: z.object({ name, canaryValue: name }),
  }),
  fleet_capacity: z.object({ min: z.number().int().min(0), max: z.number().int().min(1), initial: z.number().int().min(0) }),
  alarm_names: byColour(z.record(z.string(), name)),
  alarm_topic_arn: arn,
  rollout_table_name: name,
  operator_policy_arn: arn,
  fleet_metrics: z.object({ namespace: name, periodSeconds: z.number().int().min(1), slowRequestSeconds: z.number().positive() }).nullable(),
  deregistration_delay_seconds: z.number().int().min(0),
  /** 60 on AWS; the local data plane publishes faster. Outputs files written before it existed mean 60. */
  alb_metrics_period_seconds: z
    .number()
    .int()
    .min(1)
    .max(ALB_METRICS.periodSeconds)
    .refine((v) => ALB_METRICS.periodSeconds % v === 0, { error: `must divide ${ALB_METRICS.periodSeconds}` })
    .default(ALB_METRICS.periodSeconds),
});
export type OperatorOutputs = z.output<typeof operatorOutputsSchema>;

/** What the operator knows of an environment, from its outputs file. */
export interface OperatorEnvironment {
  readonly name: string;
  readonly outputs: OperatorOutputs;
}

export class OutputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputsError';
  }
}

/** Parses `{ environment, outputs }` as `nx run <env>:outputs` writes it; errors name the file, the output and what is wrong. */
export function parseOperatorEnvironment(json: string, source: string, environment: string): OperatorEnvironment {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    throw new OutputsError(`${source}: must be JSON (${(error as Error).message})`);
  }
  const file = document as { environment?: unknown; outputs?: unknown };
  if (file?.environment !== environment) throw new OutputsError(`${source}: environment = ${JSON.stringify(file?.environment)}: must be "${environment}" (the outputs of another environment)`);
  const parsed = operatorOutputsSchema.safeParse(file.outputs);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - outputs.${issue.path.map(String).join('.')}: ${issue.message}`);
    throw new OutputsError(`${source}: the outputs of ${environment} are not what the operator needs (run \`npx nx run ${environment}:outputs\` after a deploy):\n${problems.join('\n')}`);
  }
  return { name: environment, outputs: parsed.data };
}

export function readOperatorEnvironment(file: string, environment: string): OperatorEnvironment {
  let json: string;
  try {
    json = readFileSync(file, 'utf8');
  } catch {
    throw new OutputsError(`${environment}: no outputs file at ${file}; deploy the environment, then run \`npx nx run ${environment}:outputs\``);
  }
  return parseOperatorEnvironment(json, file, environment);
}

export function routingOf(environment: OperatorEnvironment): { targets: RoutingTargets; policy: RoutingPolicy } {
  const { outputs } = environment;
  return { targets: { weighted: outputs.target_group_arns, pinned: outputs.pinned_target_group_arns }, policy: outputs.routing_policy };
}

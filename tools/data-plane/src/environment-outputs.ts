import { readFileSync } from 'node:fs';
import { z } from 'zod';

const byColour = z.strictObject({ blue: z.string().min(1), green: z.string().min(1) });

/**
 * The part of an environment's outputs file (`nx run <env>:outputs`, names fixed in the outputs contract)
 * the data plane runs on. Other outputs are ignored.
 */
const outputsSchema = z.object({
  traffic_listener_arn: z.string().regex(/:listener\/app\//, { error: 'must be an ALB listener ARN' }),
  target_group_arns: byColour,
  pinned_target_group_arns: byColour,
  asg_names: byColour,
  traffic_state_parameter: z.string().startsWith('/', { error: 'must be an SSM parameter name' }),
  release_defaults: z.object({ modelArtifactUri: z.string().regex(/^s3:\/\/[^/]+\/(.*\/)?$/, { error: 'must be an S3 prefix like s3://bucket/models/' }) }),
  /** RoutingPolicy of libs/traffic-state, what listener actions are rendered with. */
  routing_policy: z.object({ environment: z.string().min(1), stickinessSeconds: z.number().int().positive(), header: z.object({ name: z.string().min(1), canaryValue: z.string().min(1) }) }),
  fleet_metrics: z.object({
    namespace: z.string().min(1),
    periodSeconds: z.number().int().positive(),
    slowRequestSeconds: z.number().positive(),
  }),
  /** How often the ALB stand-in publishes ALB's metrics (60 on AWS; config `localDataPlane`). */
  alb_metrics_period_seconds: z.number().int().positive().default(60),
});

export type EnvironmentOutputs = z.output<typeof outputsSchema>;

/** Validates outputs read from a file (or built by a test), naming every field that is missing or wrong. */
export function parseEnvironmentOutputs(outputs: unknown, source: string): EnvironmentOutputs {
  const result = outputsSchema.safeParse(outputs);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(outputs)'}: ${issue.message}`);
  throw new Error(`${source} is not the outputs file the data plane needs (run \`npx nx run local:outputs\` after deploying):\n${problems.join('\n')}`);
}

/** Reads `dist/outputs/<env>.json` as the `outputs` target writes it: `{ environment, outputs }`. */
export function readEnvironmentOutputs(file: string): EnvironmentOutputs {
  let parsed: { outputs?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as { outputs?: unknown };
  } catch (error) {
    throw new Error(`${file}: cannot read the outputs file (${(error as Error).message}); run \`npx nx run local:outputs\` after deploying`);
  }
  return parseEnvironmentOutputs(parsed.outputs, file);
}

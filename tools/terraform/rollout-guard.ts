// Safety rule 7: `deploy` refuses while a rollout runs when its plan touches either fleet or the
// routing. It reads the same DynamoDB lease the operator holds (ADR 0012); the deploy and rollout
// workflows also share one concurrency group per environment, so neither starts while the other runs.
import { readFileSync } from 'node:fs';
import { parsePlanJson, resourceChangesOfPlan } from '@canaryfleet/plan-review';
import { createAwsClients, destroyAwsClients, isMissingTable, RolloutStore } from '@canaryfleet/rollout-aws';
import { loadEnvironmentConfig } from '../cdktf/environment-config';
import { LOCAL_REGION } from '../local-aws/moto';

/** Resource types that make up a fleet or the routing between the fleets. */
export const ROLLOUT_SENSITIVE_TYPES: ReadonlySet<string> = new Set([
  'aws_autoscaling_group',
  'aws_autoscaling_lifecycle_hook',
  'aws_autoscaling_policy',
  'aws_launch_template',
  'aws_lb',
  'aws_lb_listener',
  'aws_lb_listener_rule',
  'aws_lb_target_group',
  'aws_lb_target_group_attachment',
  'aws_ssm_parameter',
]);

/** Addresses of a saved plan's changes to a fleet or the routing. */
export function rolloutSensitiveChanges(planJson: string, source: string): string[] {
  return resourceChangesOfPlan(parsePlanJson(planJson, source))
    .filter((change) => change.kind !== 'no-op' && ROLLOUT_SENSITIVE_TYPES.has(change.type))
    .map((change) => `${change.address} (${change.kind})`);
}

/**
 * Throws, changing nothing, when the environment has a rollout and the plan touches a fleet or the
 * routing; names the rollout, its holder and what to do. An environment without the operator's
 * table has no rollout.
 */
export async function refuseDuringRollout(environment: string, planJsonFile: string, env: Record<string, string>): Promise<void> {
  const touched = rolloutSensitiveChanges(readFileSync(planJsonFile, 'utf8'), planJsonFile);
  if (touched.length === 0) return;
  const config = loadEnvironmentConfig(environment);
  const endpoint = config.localAws ? env.AWS_ENDPOINT_URL : undefined;
  const clients = createAwsClients({
    region: config.localAws ? LOCAL_REGION : config.region,
    ...(endpoint ? { endpoint, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'testing', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'testing' } } : {}),
  });
  try {
    const lease = await new RolloutStore(clients.documents, `canaryfleet-${environment}-rollouts`, environment).activeRollout().catch((error: unknown) => {
      if (isMissingTable(error)) return null;
      throw error;
    });
    if (!lease) return;
    throw new Error(
      `${environment}: deploy refused: rollout ${lease.activeRollout} is running (held by ${lease.holder} since ${lease.acquiredAt}), and this plan changes a fleet or the routing:\n` +
        touched.map((address) => `  - ${address}`).join('\n') +
        `\nWait for the rollout to end (\`npx canary status ${environment} --watch\`) or stop it (\`npx canary abort ${environment} --reason ...\`), then plan and deploy again. Nothing was applied.`,
    );
  } finally {
    destroyAwsClients(clients);
  }
}

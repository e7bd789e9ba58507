import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateLoadBalancerCommand,
  ElasticLoadBalancingV2Client,
  ModifyLoadBalancerAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { runTerraform, type LocalAws } from '../../index';
import { albFixture, type FixtureStage } from './alb-fixture';

/**
 * Makes a real saved plan against moto: applies the fixture's v1, then plans v2 and returns
 * `terraform show -json` of that plan (and of a plan with no changes, planned right after v1).
 */
export async function makeRealPlans(moto: LocalAws): Promise<{ noChanges: unknown; changes: unknown }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'plan-review-'));
  const options = { cwd: dir, env: moto.env };
  const write = (stage: FixtureStage, loadBalancerArn?: string) =>
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(albFixture(stage, loadBalancerArn), null, 2));
  const savedPlanJson = async (name: string) => {
    await runTerraform(['plan', '-input=false', '-out', name], options);
    return JSON.parse((await runTerraform(['show', '-json', name], options)).stdout) as unknown;
  };
  try {
    write('network');
    await runTerraform(['init', '-input=false'], options);
    await runTerraform(['apply', '-auto-approve', '-input=false'], options);
    const outputs = JSON.parse((await runTerraform(['output', '-json'], options)).stdout) as {
      subnet_ids: { value: string[] };
      security_group_id: { value: string };
    };
    const loadBalancerArn = await createLoadBalancer(moto, outputs.subnet_ids.value, outputs.security_group_id.value);
    write('v1', loadBalancerArn);
    await runTerraform(['apply', '-auto-approve', '-input=false'], options);
    const noChanges = await savedPlanJson('v1.tfplan');
    write('v2', loadBalancerArn);
    const changes = await savedPlanJson('v2.tfplan');
    return { noChanges, changes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function createLoadBalancer(moto: LocalAws, subnets: string[], securityGroup: string): Promise<string> {
  const client = new ElasticLoadBalancingV2Client({
    endpoint: moto.endpoint,
    region: moto.env.AWS_REGION,
    credentials: { accessKeyId: moto.env.AWS_ACCESS_KEY_ID, secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY },
  });
  try {
    const created = await client.send(
      new CreateLoadBalancerCommand({ Name: 'review-fixture', Type: 'application', Subnets: subnets, SecurityGroups: [securityGroup] }),
    );
    const arn = created.LoadBalancers?.[0]?.LoadBalancerArn;
    if (!arn) throw new Error('moto returned no load balancer ARN from CreateLoadBalancer');
    await client.send(
      new ModifyLoadBalancerAttributesCommand({
        LoadBalancerArn: arn,
        Attributes: [
          { Key: 'deletion_protection.enabled', Value: 'true' },
          { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        ],
      }),
    );
    return arn;
  } finally {
    client.destroy();
  }
}

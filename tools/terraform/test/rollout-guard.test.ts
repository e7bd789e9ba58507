import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { createAwsClients, destroyAwsClients, ROLLOUT_TABLE_KEYS, RolloutStore, type AwsClients } from '@canaryfleet/rollout-aws';
import { requireIntegrationTools } from '../../local-aws/integration-guard';
import { LOCAL_REGION, startMoto, type LocalAws } from '../../local-aws/moto';
import { refuseDuringRollout, rolloutSensitiveChanges } from '../rollout-guard';

function planJson(changes: { address: string; type: string; actions: string[] }[]): string {
  return JSON.stringify({
    format_version: '1.2',
    resource_changes: changes.map((c) => ({ address: c.address, mode: 'managed', type: c.type, name: c.address.split('.')[1], change: { actions: c.actions, before: {}, after: {} } })),
  });
}

const FLEET_CHANGE = planJson([
  { address: 'aws_autoscaling_group.asg_blue', type: 'aws_autoscaling_group', actions: ['update'] },
  { address: 'aws_s3_bucket.logs', type: 'aws_s3_bucket', actions: ['update'] },
  { address: 'aws_lb_listener.traffic', type: 'aws_lb_listener', actions: ['no-op'] },
]);
const UNRELATED_CHANGE = planJson([{ address: 'aws_s3_bucket.logs', type: 'aws_s3_bucket', actions: ['update'] }]);

describe('which plans touch a fleet or the routing', () => {
  test('fleet and routing resources that change; no-ops and other resources do not count', () => {
    expect(rolloutSensitiveChanges(FLEET_CHANGE, 'plan.json')).toEqual(['aws_autoscaling_group.asg_blue (update)']);
    expect(rolloutSensitiveChanges(UNRELATED_CHANGE, 'plan.json')).toEqual([]);
  });
});

const describeMoto = requireIntegrationTools('deploy rollout guard') ? describe : describe.skip;

describeMoto('rule 7: deploy refuses while a rollout runs, through the same lease', () => {
  let aws: LocalAws;
  let clients: AwsClients;
  const dir = mkdtempSync(path.join(tmpdir(), 'rollout-guard-'));
  const file = (name: string, json: string) => {
    const target = path.join(dir, name);
    writeFileSync(target, json);
    return target;
  };
  beforeAll(async () => {
    aws = await startMoto();
    clients = createAwsClients({ region: LOCAL_REGION, endpoint: aws.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  }, 60_000);
  afterAll(async () => {
    destroyAwsClients(clients);
    await aws?.stop();
  });

  test('an environment without the operator table has no rollout', async () => {
    await expect(refuseDuringRollout('local', file('fleet.json', FLEET_CHANGE), aws.env)).resolves.toBeUndefined();
  });

  test('with a rollout running: a plan that touches a fleet is refused, naming the rollout and what to do; others pass', async () => {
    await clients.dynamoDb.send(
      new CreateTableCommand({
        TableName: 'canaryfleet-local-rollouts',
        BillingMode: 'PAY_PER_REQUEST',
        ...ROLLOUT_TABLE_KEYS,
      }),
    );
    const store = new RolloutStore(clients.documents, 'canaryfleet-local-rollouts', 'local');
    await expect(refuseDuringRollout('local', file('fleet.json', FLEET_CHANGE), aws.env)).resolves.toBeUndefined();
    const lease = await store.acquireForStart('r-guard', 'alice@ci', 120);
    await expect(refuseDuringRollout('local', file('fleet.json', FLEET_CHANGE), aws.env)).rejects.toThrow(
      /^local: deploy refused: rollout r-guard is running \(held by alice@ci since .+\), and this plan changes a fleet or the routing:\n {2}- aws_autoscaling_group.asg_blue \(update\)\nWait for the rollout to end \(`npx canary status local --watch`\) or stop it/,
    );
    await expect(refuseDuringRollout('local', file('other.json', UNRELATED_CHANGE), aws.env)).resolves.toBeUndefined();
    await store.release(lease);
    await expect(refuseDuringRollout('local', file('fleet.json', FLEET_CHANGE), aws.env)).resolves.toBeUndefined();
  });
});

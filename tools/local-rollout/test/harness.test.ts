import { DescribeAlarmsCommand, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { LOCAL_REGION, requireIntegrationTools, startMoto, type LocalAws } from '@canaryfleet/tools';
import { ApiCallCounter, runCanary } from '../index';

const describeMoto = requireIntegrationTools('local rollout harness on moto') ? describe : describe.skip;

describe('the canary CLI as a child process', () => {
  test('bad input: exit 2, the message on stderr, no events', async () => {
    const run = runCanary(['start', 'nowhere', '--model', 'tiny-llm-v2'], {});
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain('environment = "nowhere": must be one of');
    expect(run.events).toEqual([]);
    await expect(run.waitFor('RolloutStarted', 1_000)).rejects.toThrow('exited ({"code":2,"signal":null}) before RolloutStarted');
  }, 60_000);
});

describeMoto('the API call counter', () => {
  let moto: LocalAws;
  let counter: ApiCallCounter;
  beforeAll(async () => {
    moto = await startMoto();
    counter = await ApiCallCounter.start(moto.endpoint);
  }, 60_000);
  afterAll(async () => {
    await counter?.stop();
    await moto?.stop();
  });

  test('counts each call by service and action across JSON, RPC and query protocols, and passes answers through', async () => {
    const config = { region: LOCAL_REGION, endpoint: counter.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    const ssm = new SSMClient(config);
    const cloudWatch = new CloudWatchClient(config);
    const elbv2 = new ElasticLoadBalancingV2Client(config);
    await ssm.send(new PutParameterCommand({ Name: '/counted', Type: 'String', Value: 'yes' }));
    expect((await ssm.send(new GetParameterCommand({ Name: '/counted' }))).Parameter?.Value).toBe('yes');
    await cloudWatch.send(new DescribeAlarmsCommand({}));
    await cloudWatch.send(new DescribeAlarmsCommand({}));
    await elbv2.send(new DescribeLoadBalancersCommand({}));
    expect(counter.snapshot()).toEqual({ 'elasticloadbalancing.DescribeLoadBalancers': 1, 'monitoring.DescribeAlarms': 2, 'ssm.GetParameter': 1, 'ssm.PutParameter': 1 });
    counter.reset();
    expect(counter.snapshot()).toEqual({});
    for (const client of [ssm, cloudWatch, elbv2]) client.destroy();
  }, 60_000);
});

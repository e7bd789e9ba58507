// A small environment created through the AWS SDK on a moto this test file starts on a free loopback
// port: the resources the operator reads and writes, named as the environment's outputs name them.
// Fast (seconds), unlike the shared Terraform deployment, which phase-2 tests use.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateLaunchTemplateCommand, DescribeImagesCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateRuleCommand, CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createAwsClients, parseOperatorEnvironment, ROLLOUT_TABLE_KEYS, type AwsClients, type OperatorEnvironment, type OperatorOutputs } from '@canaryfleet/rollout-aws';
import { initialTrafficState, renderListenerActions, serializeTrafficState, type Release } from '@canaryfleet/traffic-state';
import { LOCAL_REGION, startMoto, type LocalAws } from '@canaryfleet/tools';

export const ENVIRONMENT = 'dev';
export const STABLE_RELEASE: Release = { modelVersion: 'tiny-llm-v1', serverImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2', amiId: 'ami-0123456789abcdef0' };

/** The AMI the environment's AMI source parameter names: what a new release boots. */
export const NEXT_AMI = 'ami-0fedcba9876543210';
/** Model versions whose artifacts exist in the environment's artifact bucket. */
export const MODELS_WITH_ARTIFACTS = ['tiny-llm-v1', 'tiny-llm-v2', 'tiny-llm-v3', ...Array.from({ length: 8 }, (_, i) => `tiny-llm-r${i + 1}`)];

export interface MotoWorld {
  readonly aws: LocalAws;
  readonly clients: AwsClients;
  readonly environment: OperatorEnvironment;
  /** The outputs file, as `nx run dev:outputs` would write it. */
  readonly outputsFile: string;
  stop(): Promise<void>;
}

const suffix = (arn: string, kind: 'app' | 'targetgroup') => arn.slice(arn.indexOf(`${kind}/`));

/** Starts moto and creates one environment in it; `options.name` keeps resource names apart. */
export async function startMotoWorld(options: { fleetMetrics?: boolean } = {}): Promise<MotoWorld> {
  const aws = await startMoto();
  const config = { region: LOCAL_REGION, endpoint: aws.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const ec2 = new EC2Client(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const autoScaling = new AutoScalingClient(config);
  const ssm = new SSMClient(config);
  const cloudWatch = new CloudWatchClient(config);
  const dynamoDb = new DynamoDBClient(config);
  const sns = new SNSClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const prefix = `cf-${ENVIRONMENT}`;

  const subnets = ((await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))).Subnets ?? []).slice(0, 2);
  const vpcId = subnets[0].VpcId as string;
  const { LoadBalancers } = await elbv2.send(new CreateLoadBalancerCommand({ Name: prefix, Subnets: subnets.map((s) => s.SubnetId as string), Type: 'application' }));
  const albArn = LoadBalancers?.[0].LoadBalancerArn as string;
  const targetGroup = async (name: string) =>
    (await elbv2.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'instance', HealthCheckPath: '/health' }))).TargetGroups?.[0].TargetGroupArn as string;
  const weighted = { blue: await targetGroup(`${prefix}-blue`), green: await targetGroup(`${prefix}-green`) };
  const pinned = { blue: await targetGroup(`${prefix}-blue-pin`), green: await targetGroup(`${prefix}-green-pin`) };
  const policy = { environment: ENVIRONMENT, stickinessSeconds: 300, header: { name: 'X-Canary', canaryValue: 'always' } };
  const state = initialTrafficState(STABLE_RELEASE);
  const rendered = renderListenerActions(state, { weighted, pinned }, policy);
  const plain = <T>(value: T): never => JSON.parse(JSON.stringify(value)) as never;
  const { Listeners } = await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: albArn, Protocol: 'HTTP', Port: 80, DefaultActions: plain(rendered.defaultActions) }));
  const listenerArn = Listeners?.[0].ListenerArn as string;
  const rule = async (priority: number, value: string, actions: unknown) =>
    (await elbv2.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: priority, Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: [value] } }], Actions: plain(actions) }))).Rules?.[0].RuleArn as string;
  const headerRules = { canary: await rule(10, 'always', rendered.canaryHeaderActions), stable: await rule(20, 'never', rendered.stableHeaderActions) };

  const imageId = ((await ec2.send(new DescribeImagesCommand({}))).Images ?? [])[0]?.ImageId as string;
  const asgNames = { blue: `${prefix}-blue`, green: `${prefix}-green` };
  for (const colour of ['blue', 'green'] as const) {
    const template = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: `${prefix}-${colour}`, LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.large' } }));
    const size = colour === 'blue' ? 2 : 0;
    await autoScaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: asgNames[colour],
        LaunchTemplate: { LaunchTemplateId: template.LaunchTemplate?.LaunchTemplateId, Version: '$Latest' },
        MinSize: size,
        MaxSize: 4,
        DesiredCapacity: size,
        VPCZoneIdentifier: subnets.map((s) => s.SubnetId).join(','),
        TargetGroupARNs: [weighted[colour], pinned[colour]],
      }),
    );
  }

  const trafficStateParameter = `/canaryfleet/${ENVIRONMENT}/traffic-state`;
  await ssm.send(new PutParameterCommand({ Name: trafficStateParameter, Value: serializeTrafficState(state), Type: 'String' }));
  const amiParameters = { blue: `/canaryfleet/${ENVIRONMENT}/ami/blue`, green: `/canaryfleet/${ENVIRONMENT}/ami/green` };
  for (const colour of ['blue', 'green'] as const) await ssm.send(new PutParameterCommand({ Name: amiParameters[colour], Value: STABLE_RELEASE.amiId, Type: 'String' }));

  // The AMI new releases boot, and the model artifacts of the versions a test may roll out.
  const amiSourceParameter = `/canaryfleet/${ENVIRONMENT}/ami-source`;
  await ssm.send(new PutParameterCommand({ Name: amiSourceParameter, Value: NEXT_AMI, Type: 'String' }));
  const artifactBucket = `canaryfleet-${ENVIRONMENT}-models`;
  await s3.send(new CreateBucketCommand({ Bucket: artifactBucket }));
  for (const version of MODELS_WITH_ARTIFACTS) await s3.send(new PutObjectCommand({ Bucket: artifactBucket, Key: `models/${version}/weights.safetensors`, Body: 'weights' }));

  const tableName = `canaryfleet-${ENVIRONMENT}-rollouts`;
  await dynamoDb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      ...ROLLOUT_TABLE_KEYS,
    }),
  );
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: `${prefix}-alarms` }))).TopicArn as string;
  const alarmNames: Record<'blue' | 'green', Record<string, string>> = { blue: {}, green: {} };
  for (const colour of ['blue', 'green'] as const) {
    for (const [kind, metric] of [
      ['unhealthy_hosts', 'UnHealthyHostCount'],
      ['target_5xx', 'HTTPCode_Target_5XX_Count'],
    ] as const) {
      const name = `${prefix}-${colour}-${kind.replace('_', '-')}`;
      alarmNames[colour][kind] = name;
      await cloudWatch.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          Namespace: 'AWS/ApplicationELB',
          MetricName: metric,
          Dimensions: [
            { Name: 'LoadBalancer', Value: suffix(albArn, 'app') },
            { Name: 'TargetGroup', Value: suffix(weighted[colour], 'targetgroup') },
          ],
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [topicArn],
        }),
      );
    }
  }

  const outputs: OperatorOutputs = {
    alb_arn: albArn,
    alb_arn_suffix: suffix(albArn, 'app'),
    traffic_listener_arn: listenerArn,
    header_rule_arns: headerRules,
    target_group_arns: weighted,
    target_group_arn_suffixes: { blue: suffix(weighted.blue, 'targetgroup'), green: suffix(weighted.green, 'targetgroup') },
    pinned_target_group_arns: pinned,
    asg_names: asgNames,
    traffic_state_parameter: trafficStateParameter,
    fleet_ami_parameters: amiParameters,
    release_defaults: { serverImage: STABLE_RELEASE.serverImage, amiSourceParameter, modelArtifactUri: `s3://${artifactBucket}/models` },
    routing_policy: policy,
    fleet_capacity: { min: 2, max: 4, initial: 2 },
    alarm_names: alarmNames,
    alarm_topic_arn: topicArn,
    rollout_table_name: tableName,
    operator_policy_arn: 'arn:aws:iam::123456789012:policy/canaryfleet-dev-operator',
    fleet_metrics: options.fleetMetrics ? { namespace: 'CanaryFleet/Inference', periodSeconds: 10, slowRequestSeconds: 2 } : null,
    deregistration_delay_seconds: 30,
    alb_metrics_period_seconds: 60,
  };
  const outputsFile = path.join(mkdtempSync(path.join(tmpdir(), 'canary-outputs-')), `${ENVIRONMENT}.json`);
  const document = JSON.stringify({ environment: ENVIRONMENT, outputs }, null, 2);
  writeFileSync(outputsFile, document);
  for (const client of [ec2, elbv2, autoScaling, ssm, cloudWatch, dynamoDb, sns, s3]) client.destroy();
  const clients = createAwsClients({ region: LOCAL_REGION, endpoint: aws.endpoint, maxAttempts: 4, credentials: config.credentials });
  return {
    aws,
    clients,
    environment: parseOperatorEnvironment(document, outputsFile, ENVIRONMENT),
    outputsFile,
    stop: async () => {
      for (const client of Object.values(clients)) client.destroy();
      await aws.stop();
    },
  };
}

import { defineEnvironment, type EnvironmentInput } from '@canaryfleet/config';
import { base } from './environment-input';
import { Testing } from 'cdktf';
import { EnvironmentStack } from '../src';


type Resources = Record<string, Record<string, Record<string, unknown>>>;
type Doc = { resource: Resources; output: Record<string, { value: unknown }>; data: Resources };
type Statement = { Sid: string; Action: string | string[]; Resource: string | string[]; Condition?: unknown };

function synth(input: EnvironmentInput = base): Doc {
  return JSON.parse(Testing.synth(new EnvironmentStack(Testing.app(), defineEnvironment(input)))) as Doc;
}

describe('EnvironmentStack', () => {
  const doc = synth();

  test('writes every output the operator, the plan review and the data plane read, in the documented shapes', () => {
    const values = Object.fromEntries(Object.entries(doc.output).map(([name, output]) => [name, output.value]));
    expect(values).toEqual({
      vpc_id: '${aws_vpc.network_vpc.id}',
      private_subnet_ids: ['${aws_subnet.network_private_subnet_0.id}', '${aws_subnet.network_private_subnet_1.id}'],
      alb_dns_name: '${aws_lb.alb.dns_name}',
      alb_arn: '${aws_lb.alb.arn}',
      alb_arn_suffix: '${aws_lb.alb.arn_suffix}',
      traffic_listener_arn: '${aws_lb_listener.listener_http.arn}',
      header_rule_arns: { canary: '${aws_lb_listener_rule.rule_header_canary.arn}', stable: '${aws_lb_listener_rule.rule_header_stable.arn}' },
      target_group_arns: { blue: '${aws_lb_target_group.target_group_blue.arn}', green: '${aws_lb_target_group.target_group_green.arn}' },
      target_group_arn_suffixes: { blue: '${aws_lb_target_group.target_group_blue.arn_suffix}', green: '${aws_lb_target_group.target_group_green.arn_suffix}' },
      pinned_target_group_arns: { blue: '${aws_lb_target_group.target_group_pinned_blue.arn}', green: '${aws_lb_target_group.target_group_pinned_green.arn}' },
      server_ports: { weighted: 8080, pinned: 8081 },
      asg_names: { blue: '${aws_autoscaling_group.asg_blue.name}', green: '${aws_autoscaling_group.asg_green.name}' },
      traffic_state_parameter: '/canaryfleet/dev/traffic-state',
      fleet_ami_parameters: { blue: '/canaryfleet/dev/fleets/blue/ami-id', green: '/canaryfleet/dev/fleets/green/ami-id' },
      release_defaults: { serverImage: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/llm:1.0', amiSourceParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64', modelArtifactUri: 's3://models/dev/' },
      routing_policy: { environment: 'dev', stickinessSeconds: 300, header: { name: 'X-Canary', canaryValue: 'always' } },
      fleet_capacity: { min: 1, max: 3, initial: 2 },
      alarm_names: {
        blue: { target_5xx_rate: 'canaryfleet-dev-blue-target-5xx-rate', p99_latency: 'canaryfleet-dev-blue-p99-latency', unhealthy_hosts: 'canaryfleet-dev-blue-unhealthy-hosts' },
        green: { target_5xx_rate: 'canaryfleet-dev-green-target-5xx-rate', p99_latency: 'canaryfleet-dev-green-p99-latency', unhealthy_hosts: 'canaryfleet-dev-green-unhealthy-hosts' },
      },
      alarm_topic_arn: '${aws_sns_topic.alarm-topic_D89A1C02.arn}',
      rollout_table_name: '${aws_dynamodb_table.rollout_table.name}',
      operator_policy_arn: '${aws_iam_policy.operator_policy.arn}',
      fleet_metrics: { namespace: 'CanaryFleet/Inference', periodSeconds: 10, slowRequestSeconds: 2.5 },
      deregistration_delay_seconds: 300,
      alb_metrics_period_seconds: 60,
    });
    // Without header-override networks there are no rules: the output is null, and the operator writes none.
    expect(synth({ ...base, routing: { ...base.routing, headerOverride: {} } }).output.header_rule_arns.value).toBeNull();
  });

  test('starts the traffic state and both fleet AMI parameters from the AMI source parameter, read at plan time', () => {
    expect(doc.data.aws_ssm_parameter.ami_source).toEqual({ name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' });
    const initial = JSON.parse(doc.resource.aws_ssm_parameter.traffic_state.insecure_value as string) as { releases: { blue: unknown } };
    expect(initial.releases.blue).toEqual({ modelVersion: 'v1', serverImage: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/llm:1.0', amiId: '${data.aws_ssm_parameter.ami_source.insecure_value}' });
    for (const colour of ['blue', 'green']) expect(doc.resource.aws_ssm_parameter[`fleet_ami_${colour}`].insecure_value).toBe('${data.aws_ssm_parameter.ami_source.insecure_value}');
  });

  test('keeps the operator lease and journal in an encrypted, recoverable, protected table', () => {
    expect(doc.resource.aws_dynamodb_table.rollout_table).toMatchObject({
      name: 'canaryfleet-dev-rollouts',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      range_key: 'sk',
      attribute: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'S' },
      ],
      server_side_encryption: { enabled: true, kms_key_arn: '${aws_kms_key.rollout_table_key.arn}' },
      point_in_time_recovery: { enabled: true },
      ttl: { attribute_name: 'expiresAt', enabled: true },
      deletion_protection_enabled: true,
    });
    expect(doc.resource.aws_kms_key.rollout_table_key).toMatchObject({ enable_key_rotation: true });
  });

  test('grants the operator exactly its calls, on exactly this environment\'s resources', () => {
    const policy = doc.resource.aws_iam_policy.operator_policy;
    expect(policy.name).toBe('canaryfleet-dev-operator');
    const statements = (JSON.parse(policy.policy as string) as { Statement: Statement[] }).Statement;
    const sorted = (resource: string | string[]) => (Array.isArray(resource) ? [...resource].sort() : resource);
    const scope = Object.fromEntries(statements.map((s) => [s.Sid, { Action: s.Action, Resource: sorted(s.Resource), ...(s.Condition ? { Condition: s.Condition } : {}) }]));
    expect(scope).toEqual({
      TrafficStateAndFleetAmis: {
        Action: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:GetParameterHistory'],
        Resource: ['${aws_ssm_parameter.fleet_ami_blue.arn}', '${aws_ssm_parameter.fleet_ami_green.arn}', '${aws_ssm_parameter.traffic_state.arn}'],
      },
      ResolveReleaseAmi: { Action: 'ssm:GetParameter', Resource: 'arn:aws:ssm:eu-west-1::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' },
      ValidateFleetAmis: { Action: 'ec2:DescribeImages', Resource: '*' },
      TrafficListener: { Action: 'elasticloadbalancing:ModifyListener', Resource: '${aws_lb_listener.listener_http.arn}' },
      HeaderRules: { Action: 'elasticloadbalancing:ModifyRule', Resource: ['${aws_lb_listener_rule.rule_header_canary.arn}', '${aws_lb_listener_rule.rule_header_stable.arn}'] },
      FleetCapacity: { Action: ['autoscaling:UpdateAutoScalingGroup', 'autoscaling:SetDesiredCapacity'], Resource: ['${aws_autoscaling_group.asg_blue.arn}', '${aws_autoscaling_group.asg_green.arn}'] },
      Alarms: { Action: 'cloudwatch:DescribeAlarms', Resource: Object.keys(doc.resource.aws_cloudwatch_metric_alarm).map((address) => `\${aws_cloudwatch_metric_alarm.${address}.arn}`).sort() },
      LeaseAndJournal: {
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:TransactWriteItems'],
        Resource: '${aws_dynamodb_table.rollout_table.arn}',
      },
      LeaseAndJournalKey: {
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*', 'kms:DescribeKey'],
        Resource: '${aws_kms_key.rollout_table_key.arn}',
        Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
      },
      Notify: { Action: 'sns:Publish', Resource: '${aws_sns_topic.alarm-topic_D89A1C02.arn}' },
      NotifyKey: { Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '${aws_kms_key.alarm-topic_key_E8B5128E.arn}', Condition: { StringEquals: { 'kms:ViaService': 'sns.eu-west-1.amazonaws.com' } } },
      ModelArtifacts: { Action: 's3:ListBucket', Resource: 'arn:aws:s3:::models', Condition: { StringLike: { 's3:prefix': ['dev/*'] } } },
      DescribeRouting: { Action: 'elasticloadbalancing:Describe*', Resource: '*' },
      DescribeFleets: { Action: 'autoscaling:DescribeAutoScalingGroups', Resource: '*' },
      ReadMetrics: { Action: 'cloudwatch:GetMetricData', Resource: '*' },
    });
    // Without header rules there is nothing to modify.
    const bare = synth({ ...base, routing: { ...base.routing, headerOverride: {} } });
    expect((JSON.parse(bare.resource.aws_iam_policy.operator_policy.policy as string) as { Statement: Statement[] }).Statement.map((s) => s.Sid)).not.toContain('HeaderRules');
  });

  test('refuses a plan whose zones do not all offer the instance type: one offerings check over the configured zones', () => {
    expect(doc.data.aws_ec2_instance_type_offerings).toEqual({
      zone_offerings_c7i_xlarge: expect.objectContaining({
        filter: [
          { name: 'instance-type', values: ['c7i.xlarge'] },
          { name: 'location', values: ['eu-west-1a', 'eu-west-1b'] },
        ],
        lifecycle: { postcondition: [expect.objectContaining({ error_message: expect.stringContaining('network.availabilityZones of dev: ') })] },
      }),
    });
    expect(doc.resource.aws_subnet.network_private_subnet_1.availability_zone).toBe('eu-west-1b');
  });

  test('gives both fleets the one instance type of the environment', () => {
    expect(Object.values(doc.resource.aws_launch_template).map((template) => template.instance_type)).toEqual(['c7i.xlarge', 'c7i.xlarge']);
    expect(Object.values(doc.resource.aws_autoscaling_group).filter((group) => group.mixed_instances_policy !== undefined)).toEqual([]);
  });

  test('attaches the operator policy to the operator role of the workflows, only where GitHub deploys the environment', () => {
    expect(doc.resource.aws_iam_role_policy_attachment).toEqual({
      operator_role_policy: { role: 'canaryfleet-github-dev-operator', policy_arn: '${aws_iam_policy.operator_policy.arn}' },
    });
    expect(synth({ ...base, github: undefined }).resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  test('protects the traffic state and the journal everywhere but on the local AWS', () => {
    const local = synth({ ...base, name: 'local', account: undefined, github: undefined, localAws: true });
    expect(local.resource.aws_dynamodb_table.rollout_table.deletion_protection_enabled).toBe(false);
    expect(local.resource.aws_ssm_parameter.traffic_state.lifecycle).toMatchObject({ prevent_destroy: false });
    expect(doc.resource.aws_ssm_parameter.traffic_state.lifecycle).toMatchObject({ prevent_destroy: true });
  });
});

import { Testing, TerraformStack } from 'cdktf';
import { AlarmTopic } from './alarm-topic';
import { FleetAlarms, type FleetAlarmsProps } from './fleet-alarms';
import { FleetDashboard } from './fleet-dashboard';

const base: FleetAlarmsProps = {
  environment: 'test',
  loadBalancerArnSuffix: 'app/alb/1',
  targetGroupArnSuffixes: { blue: 'targetgroup/blue/1', green: 'targetgroup/green/2' },
  topicArn: 'arn:topic',
  healthCheck: { intervalSeconds: 15, healthyThreshold: 2 },
};

type Synth = { resource: Record<string, Record<string, Record<string, unknown>>> };
function synthAlarms(overrides: Partial<FleetAlarmsProps> = {}): Synth {
  const stack = new TerraformStack(Testing.app(), 'test');
  new FleetAlarms(stack, 'alarms', { ...base, ...overrides });
  return JSON.parse(Testing.synth(stack)) as Synth;
}

describe('FleetAlarms', () => {
  const alarms = Object.values(synthAlarms({ p99LatencySeconds: 8, target5xxPercent: 2 }).resource.aws_cloudwatch_metric_alarm);
  const byName = Object.fromEntries(alarms.map((a) => [a.alarm_name as string, a]));

  it('names each fleet\'s alarms by kind, for the operator', () => {
    const stack = new TerraformStack(Testing.app(), 'names');
    const built = new FleetAlarms(stack, 'alarms', base);
    expect(built.fleetAlarmNames).toEqual({
      blue: { target_5xx_rate: 'canaryfleet-test-blue-target-5xx-rate', p99_latency: 'canaryfleet-test-blue-p99-latency', unhealthy_hosts: 'canaryfleet-test-blue-unhealthy-hosts' },
      green: { target_5xx_rate: 'canaryfleet-test-green-target-5xx-rate', p99_latency: 'canaryfleet-test-green-p99-latency', unhealthy_hosts: 'canaryfleet-test-green-unhealthy-hosts' },
    });
    for (const colour of ['blue', 'green'] as const) for (const name of Object.values(built.fleetAlarmNames[colour])) expect(byName[name]).toBeDefined();
  });

  it('alarms per fleet on 5xx rate, p99 latency and unhealthy hosts, plus the ALB 5xx rate', () => {
    expect(Object.keys(byName).sort()).toEqual([
      'test-alb-5xx-rate',
      'test-blue-p99-latency',
      'test-blue-target-5xx-rate',
      'test-blue-unhealthy-hosts',
      'test-green-p99-latency',
      'test-green-target-5xx-rate',
      'test-green-unhealthy-hosts',
    ].map((n) => `canaryfleet-${n}`));
    for (const alarm of alarms) expect(alarm).toMatchObject({ alarm_actions: ['arn:topic'], treat_missing_data: 'notBreaching' });
  });

  it('computes the target 5xx rate over RequestCount with metric math', () => {
    expect(byName['canaryfleet-test-green-target-5xx-rate']).toMatchObject({
      threshold: 2,
      comparison_operator: 'GreaterThanThreshold',
      metric_query: [
        { id: 'errors', metric: { metric_name: 'HTTPCode_Target_5XX_Count', dimensions: { TargetGroup: 'targetgroup/green/2', LoadBalancer: 'app/alb/1' }, stat: 'Sum' } },
        { id: 'requests', metric: { metric_name: 'RequestCount', stat: 'Sum' } },
        { id: 'rate', expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)', return_data: true },
      ],
    });
    expect((byName['canaryfleet-test-alb-5xx-rate'].metric_query as unknown[])[0]).toMatchObject({ metric: { metric_name: 'HTTPCode_ELB_5XX_Count', dimensions: { LoadBalancer: 'app/alb/1' } } });
  });

  it('alarms on p99 TargetResponseTime and any unhealthy host', () => {
    expect(byName['canaryfleet-test-blue-p99-latency']).toMatchObject({ metric_name: 'TargetResponseTime', extended_statistic: 'p99', threshold: 8 });
    expect(byName['canaryfleet-test-blue-unhealthy-hosts']).toMatchObject({ metric_name: 'UnHealthyHostCount', threshold: 0 });
  });

  it('alarms on unhealthy hosts only past warm-up: a whole-minute Minimum for longer than a new target needs to turn healthy', () => {
    expect(byName['canaryfleet-test-green-unhealthy-hosts']).toMatchObject({
      statistic: 'Minimum',
      period: 60,
      evaluation_periods: 3,
      datapoints_to_alarm: 3,
      alarm_description: 'Fleet green: a target that finished its warm-up failed its health checks for 3 consecutive minutes',
    });
    // Slow health checks (5 x 60 s to turn healthy) stretch the window accordingly: 5 + 2 minutes.
    const slow = Object.values(synthAlarms({ healthCheck: { intervalSeconds: 60, healthyThreshold: 5 } }).resource.aws_cloudwatch_metric_alarm).find((a) => a.alarm_name === 'canaryfleet-test-blue-unhealthy-hosts');
    expect(slow).toMatchObject({ evaluation_periods: 7, datapoints_to_alarm: 7 });
  });

  it.each<[string, Partial<FleetAlarmsProps>, string]>([
    ['a zero latency threshold', { p99LatencySeconds: 0 }, 'p99LatencySeconds = 0: must be above 0 and at most 3600 seconds'],
    ['an error share above 100 %', { target5xxPercent: 101 }, 'target5xxPercent = 101: must be a percentage above 0 and at most 100'],
    ['a health check interval out of range', { healthCheck: { intervalSeconds: 1, healthyThreshold: 2 } }, 'healthCheck.intervalSeconds = 1: must be an integer from 5 to 300 seconds'],
  ])('refuses %s', (_, overrides, message) => {
    expect(() => synthAlarms(overrides)).toThrow(message);
  });
});

describe('FleetDashboard', () => {
  it('shows both fleets side by side, one metric per row', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new FleetDashboard(stack, 'dashboard', { ...base, region: 'us-east-1', p99LatencySeconds: 10, target5xxPercent: 1 });
    const json = JSON.parse(Testing.synth(stack)) as Synth;
    const body = Object.values(json.resource.aws_cloudwatch_dashboard)[0];
    expect(body.dashboard_name).toBe('canaryfleet-test');
    const text = body.dashboard_body as string;
    expect(text).toMatch(/^\$\{jsonencode\(/);
    for (const title of ['blue: Requests', 'green: Requests', 'blue: Target response time p50 / p99 (s)', 'green: Healthy / unhealthy hosts']) {
      expect(text).toContain(`"title" = "${title}"`);
    }
  });
});

describe('AlarmTopic', () => {
  it('encrypts the topic with a rotated key CloudWatch may use, and subscribes the email when given', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new AlarmTopic(stack, 'topic', { environment: 'test', region: 'eu-west-1', email: 'oncall@example.com' });
    const synthesized = Testing.synth(stack);
    expect(Testing.toHaveResourceWithProperties(synthesized, 'aws_kms_key', { enable_key_rotation: true })).toBe(true);
    expect(Testing.toHaveResourceWithProperties(synthesized, 'aws_sns_topic', { name: 'canaryfleet-test-alarms' })).toBe(true);
    expect(Testing.toHaveResourceWithProperties(synthesized, 'aws_sns_topic_subscription', { protocol: 'email', endpoint: 'oncall@example.com' })).toBe(true);
    expect(synthesized).toContain('cloudwatch.amazonaws.com');
  });

  it("lets CloudWatch use the key only for this environment's alarms in this account (confused-deputy guard)", () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new AlarmTopic(stack, 'topic', { environment: 'test', region: 'eu-west-1' });
    const key = Object.values((JSON.parse(Testing.synth(stack)) as Synth).resource.aws_kms_key)[0];
    const statements = (JSON.parse(key.policy as string) as { Statement: { Sid: string; Condition?: Record<string, Record<string, string>> }[] }).Statement;
    const account = expect.stringMatching(/^\$\{data\.aws_caller_identity\.topic_caller_\w+\.account_id\}$/);
    expect(statements.find((s) => s.Sid === 'CloudWatchPublishes')?.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': expect.stringMatching(/^arn:aws:cloudwatch:eu-west-1:\$\{data\.aws_caller_identity\.topic_caller_\w+\.account_id\}:alarm:canaryfleet-test-\*$/) },
    });
  });
});

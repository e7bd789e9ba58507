import { Testing, TerraformStack } from 'cdktf';
import { CanaryRouting, type CanaryRoutingProps } from './canary-routing';
import { FleetTargetGroup } from './fleet-target-group';
import { TrafficStateParameter } from './traffic-state-parameter';
import { WeightedForwardAction } from './weighted-forward';

const CERT = 'arn:aws:acm:us-east-1:111111111111:certificate/9a1e4c2d-7b3f-4e6a-8d15-2f0b9c4e7a63';

function props(overrides: Partial<CanaryRoutingProps> = {}): CanaryRoutingProps {
  return {
    environment: 'test',
    vpcId: 'vpc-1',
    publicSubnetIds: ['subnet-a', 'subnet-b'],
    securityGroupId: 'sg-alb',
    certificateArn: CERT,
    serverPort: 8080,
    healthCheck: { path: '/health' },
    initialModelVersion: 'v1',
    accessLogBucketName: 'test-alb-logs',
    ...overrides,
  };
}

function synth(overrides: Partial<CanaryRoutingProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new CanaryRouting(stack, 'routing', props(overrides));
  return JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>>; locals: Record<string, string> };
}

function build(overrides: Partial<CanaryRoutingProps>): () => void {
  return () => new CanaryRouting(new TerraformStack(Testing.app(), 'test'), 'routing', props(overrides));
}

describe('CanaryRouting', () => {
  const json = synth();

  it('creates a hardened internet-facing ALB with access logs', () => {
    expect(json.resource.aws_lb.alb).toMatchObject({
      internal: false,
      load_balancer_type: 'application',
      drop_invalid_header_fields: true,
      desync_mitigation_mode: 'defensive',
      idle_timeout: 120,
      enable_deletion_protection: true,
      subnets: ['subnet-a', 'subnet-b'],
      access_logs: { enabled: true, prefix: 'alb' },
    });
  });

  it('serves HTTPS with a TLS 1.3/1.2 policy and redirects HTTP to it', () => {
    expect(json.resource.aws_lb_listener.listener_https).toMatchObject({ protocol: 'HTTPS', port: 443, ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', certificate_arn: CERT });
    expect(json.resource.aws_lb_listener.listener_http_redirect).toMatchObject({
      protocol: 'HTTP',
      port: 80,
      default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }],
    });
  });

  it('forwards by the weights of the current traffic state, with group stickiness', () => {
    expect(json.locals.traffic_state).toBe('${jsondecode(aws_ssm_parameter.traffic_state.insecure_value)}');
    expect(json.resource.aws_lb_listener.listener_https.default_action).toEqual([
      {
        type: 'forward',
        forward: {
          stickiness: { enabled: true, duration: 3600 },
          target_group: [
            { arn: '${aws_lb_target_group.target_group_blue.arn}', weight: '${local.traffic_state.weights.blue}' },
            { arn: '${aws_lb_target_group.target_group_green.arn}', weight: '${local.traffic_state.weights.green}' },
          ],
        },
      },
    ]);
  });

  it('keeps the traffic state readable in plans and owned by the controller after creation', () => {
    const parameter = json.resource.aws_ssm_parameter.traffic_state;
    expect(parameter).toMatchObject({ name: '/canaryfleet/test/traffic-state', type: 'String', lifecycle: { ignore_changes: ['insecure_value'] } });
    expect(parameter.value).toBeUndefined();
    expect(JSON.parse(parameter.insecure_value as string)).toMatchObject({ stable: 'blue', weights: { blue: 100, green: 0 }, modelVersions: { blue: 'v1', green: null } });
  });

  it('routes the header overrides to the fleet the traffic state names', () => {
    const rules = json.resource.aws_lb_listener_rule;
    const canaryColour = '{"blue" = "green", "green" = "blue"}[local.traffic_state.stable]';
    const running = `(local.traffic_state.modelVersions[${canaryColour}] != null)`;
    expect(rules.rule_header_stable).toMatchObject({
      priority: 20,
      condition: [{ http_header: { http_header_name: 'X-Canary', values: ['never'] } }],
      action: [{ type: 'forward', target_group_arn: '${{"blue" = aws_lb_target_group.target_group_blue.arn, "green" = aws_lb_target_group.target_group_green.arn}[local.traffic_state.stable]}' }],
    });
    expect(rules.rule_header_canary).toMatchObject({ priority: 10, condition: [{ http_header: { http_header_name: 'X-Canary', values: ['always'] } }] });
    const [action] = rules.rule_header_canary.action as Record<string, unknown>[];
    expect(action.type).toBe(`\${${running} ? "forward" : "fixed-response"}`);
    expect(action.dynamic).toMatchObject({
      fixed_response: { for_each: `\${${running} ? [] : ["no-canary"]}`, content: { status_code: '404', content_type: 'text/plain' } },
    });
  });

  it('gives each fleet a target group keyed by colour with model-server settings', () => {
    for (const colour of ['blue', 'green']) {
      expect(json.resource.aws_lb_target_group[`target_group_${colour}`]).toMatchObject({
        name: `cf-test-${colour}`,
        port: 8080,
        protocol: 'HTTP',
        slow_start: 60,
        deregistration_delay: '300',
        load_balancing_algorithm_type: 'least_outstanding_requests',
        health_check: { path: '/health', interval: 15, timeout: 5, healthy_threshold: 2, unhealthy_threshold: 3, matcher: '200' },
        stickiness: { type: 'lb_cookie', enabled: false },
      });
    }
  });

  it('lets the ALB write its access logs (both ELB delivery principals, SSE-S3)', () => {
    expect(json.resource.aws_s3_bucket.alb_access_log_bucket).toMatchObject({ bucket: 'test-alb-logs' });
    const encryption = Object.values(json.resource.aws_s3_bucket_server_side_encryption_configuration)[0];
    expect(encryption).toMatchObject({ rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] });
    const text = JSON.stringify(synth());
    expect(text).toContain('logdelivery.elasticloadbalancing.amazonaws.com');
    expect(text).toContain('data.aws_elb_service_account');
  });

  it('serves plain HTTP only where the exception is declared, and associates a WAF when given', () => {
    const http = synth({ certificateArn: undefined, plainHttpReason: 'local moto environment has no certificate' });
    expect(Object.keys(http.resource.aws_lb_listener)).toEqual(['listener_http']);
    expect(http.resource.aws_lb_listener.listener_http).toMatchObject({ protocol: 'HTTP', port: 80 });
    const waf = synth({ webAclArn: 'arn:aws:wafv2:us-east-1:111111111111:regional/webacl/x/9a1e4c2d-7b3f-4e6a-8d15-2f0b9c4e7a63' });
    expect(Object.values(waf.resource.aws_wafv2_web_acl_association)).toHaveLength(1);
  });

  it('turns group stickiness off with 0', () => {
    const json0 = synth({ stickinessSeconds: 0 });
    expect(JSON.stringify(json0.resource.aws_lb_listener.listener_https.default_action)).toContain('"stickiness":{"duration":1,"enabled":false}');
  });

  it.each<[string, Partial<CanaryRoutingProps>, string]>([
    ['fewer than 2 AZs', { publicSubnetIds: ['subnet-a'] }, 'publicSubnetIds: 1 given: an Application Load Balancer needs subnets in at least 2 availability zones'],
    ['prod without a certificate', { certificateArn: undefined, plainHttpReason: 'because I said so', production: true }, 'certificateArn = undefined: a production environment serves HTTPS only and needs an ACM certificate'],
    ['no certificate and no reason', { certificateArn: undefined }, 'certificateArn = undefined: set plainHttpReason to say why this environment may serve plain HTTP, or give a certificate'],
    ['a reason next to a certificate', { plainHttpReason: 'no reason at all' }, 'plainHttpReason: must be unset when certificateArn is set (the environment serves HTTPS)'],
    ['idle timeout out of range', { idleTimeoutSeconds: 4001 }, 'idleTimeoutSeconds = 4001: must be an integer from 1 to 4000 seconds'],
    ['stickiness out of range', { stickinessSeconds: 604801 }, 'stickinessSeconds = 604801: must be an integer from 0 to 604800 (1 to 604800 seconds, or 0 to turn stickiness off)'],
    ['target stickiness out of range', { targetStickinessSeconds: -1 }, 'stickinessSeconds = -1: must be an integer from 0 to 604800 (1 to 604800 seconds, or 0 to turn stickiness off)'],
    ['slow start out of range', { slowStartSeconds: 10 }, 'slowStartSeconds = 10: must be between 30 and 900 seconds, or 0 to disable slow start'],
    ['slow start above 900', { slowStartSeconds: 901 }, 'slowStartSeconds = 901: must be between 30 and 900 seconds, or 0 to disable slow start'],
    ['duplicate rule priorities', { headerOverride: { canaryPriority: 7, stablePriority: 7 } }, 'headerOverride.stablePriority = 7: must differ from headerOverride.canaryPriority (7); listener rule priorities are unique'],
    ['priority out of range', { headerOverride: { canaryPriority: 50001 } }, 'headerOverride.canaryPriority = 50001: must be an integer from 1 to 50000'],
    ['empty canary header value', { headerOverride: { canaryValue: '' } }, 'headerOverride.canaryValue = "": must be a non-empty header value'],
    ['blank stable header value', { headerOverride: { stableValue: '  ' } }, 'headerOverride.stableValue = "  ": must be a non-empty header value'],
    ['same header values', { headerOverride: { canaryValue: 'On', stableValue: 'on' } }, 'headerOverride.stableValue = "on": must differ from headerOverride.canaryValue (ALB compares header values case-insensitively)'],
    ['bad header name', { headerOverride: { header: 'X Canary' } }, 'headerOverride.header = "X Canary": must be an HTTP header name (letters, digits, -)'],
    ['initial weight not an integer', { initialWeights: { stable: 99.5, canary: 0.5 } }, 'initialWeights.stable = 99.5: must be an integer from 0 to 100 percent'],
    ['initial weight out of range', { initialWeights: { stable: 101, canary: -1 } }, 'initialWeights.stable = 101: must be an integer from 0 to 100 percent'],
    ['initial weights not summing', { initialWeights: { stable: 90, canary: 20 } }, 'initialWeights = { stable: 90, canary: 20 }: must sum to 100 percent (sum is 110)'],
  ])('refuses %s', (_, overrides, message) => {
    expect(build(overrides)).toThrow(message);
  });
});

describe('WeightedForwardAction.weightedForward', () => {
  const target = (weightPercent: number) => ({ targetGroupArn: 'arn:tg', weightPercent });

  it('maps percent to the same ALB weight', () => {
    expect(WeightedForwardAction.weightedForward([target(90), target(10)], { stickinessSeconds: 60 })).toEqual({
      type: 'forward',
      forward: { targetGroup: [{ arn: 'arn:tg', weight: 90 }, { arn: 'arn:tg', weight: 10 }], stickiness: { enabled: true, duration: 60 } },
    });
  });

  it.each<[string, number[], string]>([
    ['no target group', [], 'targets: 0 given: a weighted forward needs 1 to 5 target groups'],
    ['more than 5 target groups', [20, 20, 20, 20, 10, 10], 'targets: 6 given: a weighted forward needs 1 to 5 target groups'],
    ['a weight out of range', [150, -50], 'targets[0].weightPercent = 150: must be an integer from 0 to 100 percent'],
    ['a weight that is not an integer', [50.5, 49.5], 'targets[0].weightPercent = 50.5: must be an integer from 0 to 100 percent'],
    ['weights not summing to 100', [60, 30], 'targets: weights 60 + 30 = 90: must sum to 100 percent'],
  ])('refuses %s', (_, weights, message) => {
    expect(() => WeightedForwardAction.weightedForward(weights.map(target))).toThrow(message);
  });

  it('refuses stickiness out of range', () => {
    expect(() => WeightedForwardAction.weightedForward([target(100)], { stickinessSeconds: 1.5 })).toThrow(
      'stickinessSeconds = 1.5: must be an integer from 0 to 604800 (1 to 604800 seconds, or 0 to turn stickiness off)',
    );
  });
});

describe('FleetTargetGroup', () => {
  const make = (overrides: object) => () =>
    new FleetTargetGroup(new TerraformStack(Testing.app(), 's'), 'tg', { name: 'tg', logicalId: 'tg', vpcId: 'vpc', port: 8080, healthCheck: { path: '/health' }, ...overrides });

  it.each<[string, object, string]>([
    ['a health check timeout not below the interval', { healthCheck: { path: '/h', intervalSeconds: 10, timeoutSeconds: 10 } }, 'healthCheck.timeoutSeconds = 10: must be less than healthCheck.intervalSeconds (10)'],
    ['a deregistration delay out of range', { deregistrationDelaySeconds: 3601 }, 'deregistrationDelaySeconds = 3601: must be an integer from 0 to 3600 seconds'],
    ['a name above 32 characters', { name: 'x'.repeat(33) }, `name = "${'x'.repeat(33)}": must be at most 32 characters (target group name limit)`],
  ])('refuses %s', (_, overrides, message) => {
    expect(make(overrides)).toThrow(message);
  });

  it('accepts slow start 0 (off) and target stickiness', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    new FleetTargetGroup(stack, 'tg', { name: 'tg', logicalId: 'tg', vpcId: 'vpc', port: 8080, healthCheck: { path: '/h' }, slowStartSeconds: 0, stickinessSeconds: 120 });
    expect(Testing.toHaveResourceWithProperties(Testing.synth(stack), 'aws_lb_target_group', { slow_start: 0, stickiness: { type: 'lb_cookie', enabled: true, cookie_duration: 120 } })).toBe(true);
  });
});

describe('TrafficStateParameter', () => {
  it('refuses an empty initial model version', () => {
    expect(() => new TrafficStateParameter(new TerraformStack(Testing.app(), 's'), 'ts', { environment: 'x', initialModelVersion: '' })).toThrow(
      'initialModelVersion = "": must be a non-empty model version',
    );
  });
});

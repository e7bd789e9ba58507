import {
  byColour,
  finish,
  promote,
  renderListenerActions,
  rollBack,
  setCanaryShare,
  startCanary,
  trafficStateChecks,
  type Release,
} from '@canaryfleet/traffic-state';
import { Testing, TerraformOutput, TerraformStack } from 'cdktf';
import { CanaryRouting, type CanaryRoutingProps } from './canary-routing';
import { FleetTargetGroup } from './fleet-target-group';
import { terraformAction } from './listener-action';
import { TrafficStateParameter } from './traffic-state-parameter';

const CERT = 'arn:aws:acm:us-east-1:111111111111:certificate/9a1e4c2d-7b3f-4e6a-8d15-2f0b9c4e7a63';
const RELEASE: Release = { modelVersion: 'v1', serverImage: '111111111111.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2', amiId: '${data.aws_ssm_parameter.ami_source.insecure_value}' };

function props(overrides: Partial<CanaryRoutingProps> = {}): CanaryRoutingProps {
  return {
    environment: 'test',
    vpcId: 'vpc-1',
    publicSubnetIds: ['subnet-a', 'subnet-b'],
    securityGroupId: 'sg-alb',
    certificateArn: CERT,
    serverPort: 8080,
    pinnedPort: 8081,
    healthCheck: { path: '/health' },
    initialRelease: RELEASE,
    accessLogBucketName: 'test-alb-logs',
    accountId: '111111111111',
    headerOverride: { sourceCidrs: ['203.0.113.0/24'] },
    ...overrides,
  };
}

type Resources = Record<string, Record<string, Record<string, unknown>>>;
type Lifecycle = { ignore_changes?: string[]; prevent_destroy?: boolean; precondition?: { condition: string; error_message: string }[] };

function synth(overrides: Partial<CanaryRoutingProps> = {}) {
  const stack = new TerraformStack(Testing.app(), 'test');
  const routing = new CanaryRouting(stack, 'routing', props(overrides));
  const json = JSON.parse(Testing.synth(stack)) as { resource: Resources; locals: Record<string, string> };
  return { routing, stack, json };
}

function build(overrides: Partial<CanaryRoutingProps>): () => void {
  return () => new CanaryRouting(new TerraformStack(Testing.app(), 'test'), 'routing', props(overrides));
}

const arn = (logicalId: string) => `\${aws_lb_target_group.${logicalId}.arn}`;

describe('CanaryRouting', () => {
  const { json } = synth();
  const listener = json.resource.aws_lb_listener.listener_https;

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
    expect(listener).toMatchObject({ protocol: 'HTTPS', port: 443, ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', certificate_arn: CERT });
    expect(json.resource.aws_lb_listener.listener_http_redirect).toMatchObject({
      protocol: 'HTTP',
      port: 80,
      default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }],
    });
  });

  it('creates the listener forwarding every request to the stable (blue) weighted group, then leaves its actions to the operator', () => {
    expect(listener.default_action).toEqual([{ type: 'forward', target_group_arn: arn('target_group_blue') }]);
    expect((listener.lifecycle as Lifecycle).ignore_changes).toEqual(['default_action']);
    // The redirect listener carries no traffic decision: Terraform keeps owning it.
    expect(json.resource.aws_lb_listener.listener_http_redirect.lifecycle).toBeUndefined();
  });

  it('stops a plan on an invalid traffic state: every check of the library is a precondition of the listener', () => {
    const preconditions = (listener.lifecycle as Lifecycle).precondition ?? [];
    const names = { raw: 'aws_ssm_parameter.traffic_state.insecure_value', document: 'local.traffic_state_document', shapeValid: 'local.traffic_state_shape_valid' };
    expect(preconditions).toEqual(trafficStateChecks(names).map((check) => ({ condition: `\${${check.condition}}`, error_message: `\${${check.errorMessage}}` })));
    expect(preconditions.length).toBeGreaterThan(20);
    expect(json.locals.traffic_state_document).toBe('${try(jsondecode(aws_ssm_parameter.traffic_state.insecure_value), null)}');
    expect(json.locals.traffic_state_shape_valid).toMatch(/^\$\{alltrue\(\[/);
  });

  it('writes revision 1 once (idle, blue runs the initial release) and never again; the parameter survives any plan', () => {
    const parameter = json.resource.aws_ssm_parameter.traffic_state;
    expect(parameter).toMatchObject({ name: '/canaryfleet/test/traffic-state', type: 'String', lifecycle: { ignore_changes: ['insecure_value'], prevent_destroy: true } });
    expect(parameter.value).toBeUndefined();
    expect(JSON.parse(parameter.insecure_value as string)).toEqual({
      schemaVersion: 2,
      revision: 1,
      stable: 'blue',
      phase: 'idle',
      canaryPerMille: 0,
      releases: { blue: RELEASE, green: null },
      rolloutId: null,
      updatedAt: '1970-01-01T00:00:00Z',
      updatedBy: 'terraform',
    });
    expect((synth({ localAws: true, forceDestroyLogs: true }).json.resource.aws_ssm_parameter.traffic_state.lifecycle as Lifecycle).prevent_destroy).toBe(false);
  });

  it('pins header requests from the configured networks to the pinned groups; the canary header answers 404 while idle', () => {
    const rules = json.resource.aws_lb_listener_rule;
    expect(rules.rule_header_canary).toMatchObject({
      priority: 10,
      condition: [{ http_header: { http_header_name: 'X-Canary', values: ['always'] } }, { source_ip: { values: ['203.0.113.0/24'] } }],
      action: [{ type: 'fixed-response', fixed_response: { status_code: '404', content_type: 'text/plain', message_body: 'No canary is running in test: X-Canary: always has no fleet to reach.\n' } }],
      lifecycle: { ignore_changes: ['action'] },
    });
    expect(rules.rule_header_stable).toMatchObject({
      priority: 20,
      condition: [{ http_header: { http_header_name: 'X-Canary', values: ['never'] } }, { source_ip: { values: ['203.0.113.0/24'] } }],
      action: [{ type: 'forward', target_group_arn: arn('target_group_pinned_blue') }],
      lifecycle: { ignore_changes: ['action'] },
    });
  });

  it('has no header rules at all without source networks', () => {
    const bare = synth({ headerOverride: {} });
    expect(bare.json.resource.aws_lb_listener_rule).toBeUndefined();
    expect(bare.routing.headerRules).toBeUndefined();
  });

  it('gives each fleet a weighted and a pinned target group, on the two server ports', () => {
    for (const colour of ['blue', 'green']) {
      const common = { protocol: 'HTTP', slow_start: 60, deregistration_delay: '300', load_balancing_algorithm_type: 'least_outstanding_requests', stickiness: { type: 'lb_cookie', enabled: false } };
      expect(json.resource.aws_lb_target_group[`target_group_${colour}`]).toMatchObject({ ...common, name: `cf-test-${colour}`, port: 8080, health_check: { path: '/health', port: 'traffic-port', interval: 15, matcher: '200' } });
      expect(json.resource.aws_lb_target_group[`target_group_pinned_${colour}`]).toMatchObject({ ...common, name: `cf-test-${colour}-pin`, port: 8081, health_check: { path: '/health', port: 'traffic-port' } });
    }
    // The longest environment name (16 characters) still fits ALB's 32-character limit.
    expect(() => build({ environment: 'abcdefghijklmnop' })()).not.toThrow();
  });

  it('routes every state of a rollout as the library renders it, through the groups and policy it was built with', () => {
    const stack = new TerraformStack(Testing.app(), 'states');
    const built = new CanaryRouting(stack, 'routing', props());
    const targets = { weighted: byColour((c) => built.targetGroups[c].arn), pinned: byColour((c) => built.pinnedTargetGroups[c].arn) };
    const writer = { at: new Date('2026-11-29T12:00:00Z'), by: 'test' };
    const v2: Release = { ...RELEASE, modelVersion: 'v2', amiId: 'ami-0123456789abcdef0' };
    const running = setCanaryShare(startCanary({ ...built.trafficState.initialState, releases: { blue: { ...RELEASE, amiId: 'ami-0fedcba9876543210' }, green: null } }, { release: v2, rolloutId: 'r' }, writer), 1, writer);
    const promoted = promote(running, writer);
    const rolledBack = rollBack(running, writer);
    const states = { running, promoted, promotedIdle: finish(promoted, writer), rolledBack, rolledBackIdle: finish(rolledBack, writer) };
    // Synthesized, so the target groups read as the Terraform references they are.
    for (const [name, state] of Object.entries(states)) {
      new TerraformOutput(stack, name, { value: renderListenerActions(state, targets, built.routingPolicy).defaultActions.map(terraformAction) });
    }
    const outputs = (JSON.parse(Testing.synth(stack)) as { output: Record<string, { value: unknown }> }).output;
    expect(outputs.running.value).toEqual([
      {
        type: 'forward',
        forward: {
          targetGroup: [
            { arn: arn('target_group_blue'), weight: 999 },
            { arn: arn('target_group_green'), weight: 1 },
          ],
          stickiness: { enabled: true, duration: 300 },
        },
      },
    ]);
    // Every terminal state is one group, no stickiness: a sticky client cannot be held on a group not in the action.
    const stableGroup = { promoted: 'green', promotedIdle: 'green', rolledBack: 'blue', rolledBackIdle: 'blue' } as const;
    for (const [name, colour] of Object.entries(stableGroup)) {
      expect({ name, actions: outputs[name].value }).toEqual({ name, actions: [{ type: 'forward', targetGroupArn: arn(`target_group_${colour}`) }] });
    }
  });

  it('lets the ALB write its access logs (both ELB delivery principals, SSE-S3)', () => {
    expect(json.resource.aws_s3_bucket.alb_access_log_bucket).toMatchObject({ bucket: 'test-alb-logs' });
    const encryption = Object.values(json.resource.aws_s3_bucket_server_side_encryption_configuration)[0];
    expect(encryption).toMatchObject({ rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] });
    const text = JSON.stringify(json);
    expect(text).toContain('logdelivery.elasticloadbalancing.amazonaws.com');
    expect(text).toContain('data.aws_elb_service_account');
    // Both delivery principals may write this account's logs only (their confused-deputy guard).
    const statements = Object.values((json as unknown as { data: Record<string, Record<string, { statement?: { sid: string; resources: string[] }[] }>> }).data.aws_iam_policy_document)[0].statement ?? [];
    for (const sid of ['AllowElbAccountLogDelivery', 'AllowElbServiceLogDelivery']) {
      expect(statements.find((statement) => statement.sid === sid)?.resources).toEqual(['arn:aws:s3:::test-alb-logs/alb/AWSLogs/111111111111/*']);
    }
  });

  it('serves plain HTTP only where the exception is declared, and associates a WAF when given', () => {
    const http = synth({ certificateArn: undefined, plainHttpReason: 'local moto environment has no certificate' }).json;
    expect(Object.keys(http.resource.aws_lb_listener)).toEqual(['listener_http']);
    expect(http.resource.aws_lb_listener.listener_http).toMatchObject({ protocol: 'HTTP', port: 80, lifecycle: { ignore_changes: ['default_action'] } });
    const waf = synth({ webAclArn: 'arn:aws:wafv2:us-east-1:111111111111:regional/webacl/x/9a1e4c2d-7b3f-4e6a-8d15-2f0b9c4e7a63' }).json;
    expect(Object.values(waf.resource.aws_wafv2_web_acl_association)).toHaveLength(1);
  });

  it.each<[string, Partial<CanaryRoutingProps>, string]>([
    ['fewer than 2 AZs', { publicSubnetIds: ['subnet-a'] }, 'publicSubnetIds: 1 given: an Application Load Balancer needs subnets in at least 2 availability zones'],
    ['prod without a certificate', { certificateArn: undefined, plainHttpReason: 'because I said so', production: true }, 'certificateArn = undefined: a production environment serves HTTPS only and needs an ACM certificate'],
    ['no certificate and no reason', { certificateArn: undefined }, 'certificateArn = undefined: set plainHttpReason to say why this environment may serve plain HTTP, or give a certificate'],
    ['a reason next to a certificate', { plainHttpReason: 'no reason at all' }, 'plainHttpReason: must be unset when certificateArn is set (the environment serves HTTPS)'],
    ['idle timeout out of range', { idleTimeoutSeconds: 4001 }, 'idleTimeoutSeconds = 4001: must be an integer from 1 to 4000 seconds'],
    ['stickiness above the largest allowed', { stickinessSeconds: 3600 }, 'stickinessSeconds = 3600: must be an integer from 1 to 900 seconds'],
    ['stickiness off', { stickinessSeconds: 0 }, 'stickinessSeconds = 0: must be an integer from 1 to 900 seconds'],
    ['target stickiness out of range', { targetStickinessSeconds: -1 }, 'stickinessSeconds = -1: must be an integer from 0 to 604800 (1 to 604800 seconds, or 0 to turn stickiness off)'],
    ['slow start out of range', { slowStartSeconds: 10 }, 'slowStartSeconds = 10: must be between 30 and 900 seconds, or 0 to disable slow start'],
    ['the pinned port on the server port', { pinnedPort: 8080 }, 'pinnedPort = 8080: must differ from serverPort (8080): the server tells weighted from pinned requests by the port they arrive on'],
    ['duplicate rule priorities', { headerOverride: { canaryPriority: 7, stablePriority: 7 } }, 'headerOverride.stablePriority = 7: must differ from headerOverride.canaryPriority (7); listener rule priorities are unique'],
    ['priority out of range', { headerOverride: { canaryPriority: 50001 } }, 'headerOverride.canaryPriority = 50001: must be an integer from 1 to 50000'],
    ['empty canary header value', { headerOverride: { canaryValue: '' } }, 'headerOverride.canaryValue = "": must be a non-empty header value'],
    ['same header values', { headerOverride: { canaryValue: 'On', stableValue: 'on' } }, 'headerOverride.stableValue = "on": must differ from headerOverride.canaryValue (ALB compares header values case-insensitively)'],
    ['bad header name', { headerOverride: { header: 'X Canary' } }, 'headerOverride.header = "X Canary": must be an HTTP header name (letters, digits, -)'],
    ['header rules open to the internet', { headerOverride: { sourceCidrs: ['10.0.0.0/8', '::/0'] } }, 'headerOverride.sourceCidrs: "::/0" is the whole internet: anyone could pin themselves to an unvetted canary'],
    ['more networks than a rule takes', { headerOverride: { sourceCidrs: ['10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16', '10.4.0.0/16', '10.5.0.0/16'] } }, 'headerOverride.sourceCidrs: 5 given: at most 4 (an ALB rule takes 5 condition values, and the header value is one)'],
  ])('refuses %s', (_, overrides, message) => {
    expect(build(overrides)).toThrow(message);
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
    expect(() => new TrafficStateParameter(new TerraformStack(Testing.app(), 's'), 'ts', { environment: 'x', initialRelease: { ...RELEASE, modelVersion: '' } })).toThrow(
      'initialRelease.modelVersion = "": must be a non-empty model version',
    );
  });
});

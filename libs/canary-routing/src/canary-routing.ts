import { FLEET_COLOURS, type FleetColour } from '@canaryfleet/config';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import type { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AccessLogBucket } from './access-log-bucket';
import { FleetTargetGroup, type FleetHealthCheck } from './fleet-target-group';
import { TrafficStateParameter } from './traffic-state-parameter';
import { isKnown, requireIntegerIn, RoutingPropError } from './validation';
import { WeightedForwardAction } from './weighted-forward';

/** TLS 1.3 preferred, TLS 1.2 the floor (CKV_AWS_103). */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface HeaderOverride {
  /** Request header that overrides the weights. @default 'X-Canary' */
  readonly header?: string;
  /** Header value sending a request to the canary fleet; non-empty. @default 'always' */
  readonly canaryValue?: string;
  /** Header value sending a request to the stable fleet; non-empty. @default 'never' */
  readonly stableValue?: string;
  /** Rule priority, 1..50000, distinct from stablePriority. @default 10 */
  readonly canaryPriority?: number;
  /** Rule priority, 1..50000, distinct from canaryPriority. @default 20 */
  readonly stablePriority?: number;
}

export interface CanaryRoutingProps {
  /** Environment name, used in AWS names. */
  readonly environment: string;
  readonly vpcId: string;
  /** Public subnets, in at least 2 availability zones (ALB requirement). */
  readonly publicSubnetIds: readonly string[];
  readonly securityGroupId: string;
  /** ACM certificate of the HTTPS listener. Unset only with `plainHttpReason`. */
  readonly certificateArn?: string;
  /** Why this environment serves plain HTTP; required without a certificate, refused with one. */
  readonly plainHttpReason?: string;
  /** Production refuses plain HTTP whatever the reason. @default false */
  readonly production?: boolean;
  /** @default 80 */
  readonly httpPort?: number;
  /** @default 443 */
  readonly httpsPort?: number;
  /** Idle connection timeout; inference can be slow. Range is 1..4000 seconds. @default 120 */
  readonly idleTimeoutSeconds?: number;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** Group stickiness of the weighted forward: 1..604800 seconds, or 0 for off. @default 3600 */
  readonly stickinessSeconds?: number;
  /** Port of the inference server on the instances. */
  readonly serverPort: number;
  readonly healthCheck: FleetHealthCheck;
  /** 0 or 30..900 seconds. @default 60 */
  readonly slowStartSeconds?: number;
  /** 0..3600 seconds. @default 300 */
  readonly deregistrationDelaySeconds?: number;
  /** @default 'least_outstanding_requests' */
  readonly loadBalancingAlgorithm?: 'least_outstanding_requests' | 'round_robin';
  /** Target-group (lb_cookie) stickiness: 1..604800 seconds, or 0 for off. @default 0 */
  readonly targetStickinessSeconds?: number;
  /** @default X-Canary: always -> canary (priority 10), X-Canary: never -> stable (priority 20) */
  readonly headerOverride?: HeaderOverride;
  /** Model version of the stable fleet on creation (traffic state revision 1). */
  readonly initialModelVersion: string;
  /** Percent; integers 0..100 summing to 100. @default { stable: 100, canary: 0 } */
  readonly initialWeights?: { readonly stable: number; readonly canary: number };
  /** Name of the access-log bucket (globally unique). */
  readonly accessLogBucketName: string;
  /** Range is 1..3650 days. @default 90 */
  readonly accessLogRetentionDays?: number;
  /** Regional WAFv2 web ACL to associate; unset is a declared exception (CKV2_AWS_28). */
  readonly webAclArn?: string;
  /** Allow destroying the log bucket with objects: local (moto) only. @default false */
  readonly forceDestroyLogs?: boolean;
  /**
   * The AWS API is moto: the log bucket drops its TLS-only statement, which moto evaluates without
   * `aws:SecureTransport` and so denies every request (docs/local-aws.md, moto gaps). @default false
   */
  readonly localAws?: boolean;
}

/**
 * The canary router of an environment: an internet-facing ALB whose default action forwards by the
 * traffic state's weights to the two fleets' target groups, header rules that pin a request to the
 * canary or the stable fleet, and the traffic-state parameter itself (DESIGN.md #3, #6).
 */
export class CanaryRouting extends Construct {
  readonly loadBalancer: Lb;
  /** The listener carrying the actions: HTTPS, or HTTP where the environment has no certificate. */
  readonly trafficListener: LbListener;
  /** HTTP -> HTTPS redirect; absent without a certificate. */
  readonly redirectListener?: LbListener;
  readonly targetGroups: Record<FleetColour, LbTargetGroup>;
  readonly headerRules: { readonly canary: LbListenerRule; readonly stable: LbListenerRule };
  readonly trafficState: TrafficStateParameter;
  readonly accessLogs: AccessLogBucket;

  constructor(scope: Construct, id: string, props: CanaryRoutingProps) {
    super(scope, id);
    validate(props);
    const name = `canaryfleet-${props.environment}`;
    const override = { header: 'X-Canary', canaryValue: 'always', stableValue: 'never', canaryPriority: 10, stablePriority: 20, ...props.headerOverride };

    this.trafficState = new TrafficStateParameter(this, 'traffic-state', {
      environment: props.environment,
      initialModelVersion: props.initialModelVersion,
      initialWeights: props.initialWeights,
    });

    this.accessLogs = new AccessLogBucket(this, 'access-logs', {
      bucketName: props.accessLogBucketName,
      prefix: 'alb',
      retentionDays: props.accessLogRetentionDays ?? 90,
      forceDestroy: props.forceDestroyLogs,
      tlsOnly: !props.localAws,
    });

    this.loadBalancer = new Lb(this, 'alb', {
      name,
      loadBalancerType: 'application',
      internal: false,
      subnets: [...props.publicSubnetIds],
      securityGroups: [props.securityGroupId],
      idleTimeout: props.idleTimeoutSeconds ?? 120,
      enableDeletionProtection: props.deletionProtection ?? true,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: 'defensive',
      enableHttp2: true,
      accessLogs: { bucket: this.accessLogs.secureBucket.bucket.bucket, prefix: 'alb', enabled: true },
      // ELB checks it may write to the bucket when access logs are turned on.
      dependsOn: this.accessLogs.secureBucket.policy ? [this.accessLogs.secureBucket.policy] : [],
      tags: { Name: name },
    });
    this.loadBalancer.overrideLogicalId('alb');

    const targetGroups = Object.fromEntries(
      FLEET_COLOURS.map((colour) => {
        const group = new FleetTargetGroup(this, `target-group-${colour}`, {
          name: `cf-${props.environment}-${colour}`,
          logicalId: `target_group_${colour}`,
          vpcId: props.vpcId,
          port: props.serverPort,
          healthCheck: props.healthCheck,
          slowStartSeconds: props.slowStartSeconds,
          deregistrationDelaySeconds: props.deregistrationDelaySeconds,
          loadBalancingAlgorithm: props.loadBalancingAlgorithm,
          stickinessSeconds: props.targetStickinessSeconds,
        });
        return [colour, group.targetGroup];
      }),
    ) as Record<FleetColour, LbTargetGroup>;
    this.targetGroups = targetGroups;

    const weighted = WeightedForwardAction.weightedForward(
      FLEET_COLOURS.map((colour) => ({ targetGroupArn: targetGroups[colour].arn, weightPercent: this.trafficState.weightOf(colour) })),
      { stickinessSeconds: props.stickinessSeconds ?? 3600 },
    );
    const httpPort = props.httpPort ?? 80;
    if (props.certificateArn !== undefined) {
      this.trafficListener = new LbListener(this, 'https-listener', {
        loadBalancerArn: this.loadBalancer.arn,
        port: props.httpsPort ?? 443,
        protocol: 'HTTPS',
        sslPolicy: TLS_POLICY,
        certificateArn: props.certificateArn,
        defaultAction: [weighted],
      });
      this.trafficListener.overrideLogicalId('listener_https');
      this.redirectListener = new LbListener(this, 'http-redirect-listener', {
        loadBalancerArn: this.loadBalancer.arn,
        port: httpPort,
        protocol: 'HTTP',
        defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: String(props.httpsPort ?? 443), statusCode: 'HTTP_301' } }],
      });
      this.redirectListener.overrideLogicalId('listener_http_redirect');
    } else {
      // Declared plain-HTTP exception (props.plainHttpReason; security-exceptions.ts).
      this.trafficListener = new LbListener(this, 'http-listener', {
        loadBalancerArn: this.loadBalancer.arn,
        port: httpPort,
        protocol: 'HTTP',
        defaultAction: [weighted],
      });
      this.trafficListener.overrideLogicalId('listener_http');
    }

    const groupArns = { blue: targetGroups.blue.arn, green: targetGroups.green.arn };
    const headerCondition = (value: string) => [{ httpHeader: { httpHeaderName: override.header, values: [value] } }];
    const canaryRule = new LbListenerRule(this, 'canary-header-rule', {
      listenerArn: this.trafficListener.arn,
      priority: override.canaryPriority,
      condition: headerCondition(override.canaryValue),
      // Filled by the override below: its fixed_response block exists only while no canary runs.
      action: [],
      tags: { Name: `${name}-header-canary` },
    });
    // With no canary running the canary fleet is empty: answer with a clear 404 rather than a bare
    // 503, which would also count as an ALB 5xx and page someone.
    const running = this.trafficState.canaryRunning;
    canaryRule.addOverride('action', [
      {
        type: Fn.conditional(running, 'forward', 'fixed-response'),
        target_group_arn: Fn.conditional(running, this.trafficState.pick(groupArns, 'canary'), Token.nullValue()),
        dynamic: {
          fixed_response: {
            for_each: Fn.conditional(running, [], ['no-canary']),
            content: {
              content_type: 'text/plain',
              status_code: '404',
              message_body: `No canary is running in ${props.environment}: ${override.header}: ${override.canaryValue} has no fleet to reach.\n`,
            },
          },
        },
      },
    ]);
    canaryRule.overrideLogicalId('rule_header_canary');
    const stableRule = new LbListenerRule(this, 'stable-header-rule', {
      listenerArn: this.trafficListener.arn,
      priority: override.stablePriority,
      condition: headerCondition(override.stableValue),
      action: [{ type: 'forward', targetGroupArn: this.trafficState.pick(groupArns, 'stable') }],
      tags: { Name: `${name}-header-stable` },
    });
    stableRule.overrideLogicalId('rule_header_stable');
    this.headerRules = { canary: canaryRule, stable: stableRule };

    if (props.webAclArn !== undefined) {
      new Wafv2WebAclAssociation(this, 'web-acl', { resourceArn: this.loadBalancer.arn, webAclArn: props.webAclArn });
    }
  }
}

function validate(props: CanaryRoutingProps): void {
  if (props.publicSubnetIds.length < 2) {
    throw new RoutingPropError(`publicSubnetIds: ${props.publicSubnetIds.length} given: an Application Load Balancer needs subnets in at least 2 availability zones`);
  }
  if (props.certificateArn === undefined) {
    if (props.production) {
      throw new RoutingPropError('certificateArn = undefined: a production environment serves HTTPS only and needs an ACM certificate');
    }
    if (!props.plainHttpReason) {
      throw new RoutingPropError('certificateArn = undefined: set plainHttpReason to say why this environment may serve plain HTTP, or give a certificate');
    }
  } else if (props.plainHttpReason !== undefined) {
    throw new RoutingPropError('plainHttpReason: must be unset when certificateArn is set (the environment serves HTTPS)');
  }
  requireIntegerIn('idleTimeoutSeconds', props.idleTimeoutSeconds, 1, 4000, ' seconds');
  requireIntegerIn('httpPort', props.httpPort, 1, 65535);
  requireIntegerIn('httpsPort', props.httpsPort, 1, 65535);
  requireIntegerIn('accessLogRetentionDays', props.accessLogRetentionDays, 1, 3650, ' days');
  const o = props.headerOverride ?? {};
  if (o.header !== undefined && !HEADER_NAME.test(o.header)) {
    throw new RoutingPropError(`headerOverride.header = "${o.header}": must be an HTTP header name (letters, digits, -)`);
  }
  for (const key of ['canaryValue', 'stableValue'] as const) {
    if (o[key] !== undefined && o[key].trim() === '') {
      throw new RoutingPropError(`headerOverride.${key} = "${o[key]}": must be a non-empty header value`);
    }
  }
  const canaryPriority = o.canaryPriority ?? 10;
  const stablePriority = o.stablePriority ?? 20;
  requireIntegerIn('headerOverride.canaryPriority', canaryPriority, 1, 50000);
  requireIntegerIn('headerOverride.stablePriority', stablePriority, 1, 50000);
  if (isKnown(canaryPriority) && canaryPriority === stablePriority) {
    throw new RoutingPropError(`headerOverride.stablePriority = ${stablePriority}: must differ from headerOverride.canaryPriority (${canaryPriority}); listener rule priorities are unique`);
  }
  const canaryValue = (o.canaryValue ?? 'always').toLowerCase();
  const stableValue = (o.stableValue ?? 'never').toLowerCase();
  if (canaryValue === stableValue) {
    throw new RoutingPropError(`headerOverride.stableValue = "${o.stableValue ?? 'never'}": must differ from headerOverride.canaryValue (ALB compares header values case-insensitively)`);
  }
}

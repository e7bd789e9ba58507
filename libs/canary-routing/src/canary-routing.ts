import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import type { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import {
  byColour,
  DEFAULT_STICKINESS_SECONDS,
  MAX_STICKINESS_SECONDS,
  MIN_STICKINESS_SECONDS,
  renderListenerActions,
  type FleetColour,
  type ListenerActions,
  type Release,
  type RoutingPolicy,
} from '@canaryfleet/traffic-state';
import { Construct } from 'constructs';
import { AccessLogBucket } from './access-log-bucket';
import { FleetTargetGroup, type FleetHealthCheck } from './fleet-target-group';
import { terraformAction } from './listener-action';
import { TrafficStateParameter } from './traffic-state-parameter';
import { isKnown, PropError, requireIntegerIn } from '@canaryfleet/config';

/** TLS 1.3 preferred, TLS 1.2 the floor (CKV_AWS_103). */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** ALB quota "Condition values per rule" (5, not adjustable), less the header value. */
export const MAX_SOURCE_CIDRS = 4;

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
  /**
   * Networks (CIDR) whose requests may use the header: a source-ip condition of both rules. Without any
   * the rules do not exist. At most 4; never a block of prefix length 0 (the whole internet). @default []
   */
  readonly sourceCidrs?: readonly string[];
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
  /** Group stickiness of the weighted forward while a canary runs: 1..900 seconds. @default 300 */
  readonly stickinessSeconds?: number;
  /** Port of the inference server for weighted traffic (the weighted target groups). */
  readonly serverPort: number;
  /** Second port of the same server, for header-override traffic (the pinned target groups); differs from serverPort. */
  readonly pinnedPort: number;
  readonly healthCheck: FleetHealthCheck;
  /** 0 or 30..900 seconds. @default 60 */
  readonly slowStartSeconds?: number;
  /** 0..3600 seconds. @default 300 */
  readonly deregistrationDelaySeconds?: number;
  /** @default 'least_outstanding_requests' */
  readonly loadBalancingAlgorithm?: 'least_outstanding_requests' | 'round_robin';
  /** Target-group (lb_cookie) stickiness: 1..604800 seconds, or 0 for off. @default 0 */
  readonly targetStickinessSeconds?: number;
  /** @default X-Canary: always -> canary (priority 10), X-Canary: never -> stable (priority 20), no source networks (no rules) */
  readonly headerOverride?: HeaderOverride;
  /** What the stable (blue) fleet runs on creation: traffic-state revision 1. */
  readonly initialRelease: Release;
  /** Name of the access-log bucket (globally unique). */
  readonly accessLogBucketName: string;
  /** The account whose load balancer writes the access logs (a reference to the caller identity is fine). */
  readonly accountId: string;
  /** Range is 1..3650 days. @default 90 */
  readonly accessLogRetentionDays?: number;
  /** Regional WAFv2 web ACL to associate; unset is a declared exception (CKV2_AWS_28). */
  readonly webAclArn?: string;
  /** Allow destroying the log bucket with objects: local (moto) only. @default false */
  readonly forceDestroyLogs?: boolean;
  /**
   * The AWS API is moto: the log bucket drops its TLS-only statement, which moto evaluates without
   * `aws:SecureTransport` and so denies every request (docs/local-aws.md, moto gaps); the traffic-state
   * parameter may be destroyed with the environment. @default false
   */
  readonly localAws?: boolean;
}

/**
 * The canary router of an environment (DESIGN.md #3, #6, ADR 0007): an internet-facing ALB whose
 * listener forwards to the weighted target groups of the two fleets, header rules (only from configured
 * networks) to their pinned target groups, and the traffic-state parameter. Terraform owns the listener,
 * the rules' conditions and priorities; it writes their actions once, rendered from revision 1 by
 * libs/traffic-state, and ignores them afterwards: the rollout operator is their only writer.
 */
export class CanaryRouting extends Construct {
  readonly loadBalancer: Lb;
  /** The listener carrying the actions: HTTPS, or HTTP where the environment has no certificate. */
  readonly trafficListener: LbListener;
  /** HTTP -> HTTPS redirect; absent without a certificate. */
  readonly redirectListener?: LbListener;
  /** Groups of the weighted forward: the only traffic the judge reads. */
  readonly targetGroups: Record<FleetColour, LbTargetGroup>;
  /** Groups of the header overrides, on the server's pinned port: never judged. */
  readonly pinnedTargetGroups: Record<FleetColour, LbTargetGroup>;
  /** The header rules by the role they route to; absent without source networks. */
  readonly headerRules?: { readonly canary: LbListenerRule; readonly stable: LbListenerRule };
  readonly trafficState: TrafficStateParameter;
  readonly accessLogs: AccessLogBucket;
  /** What the operator renders listener actions with (output `routing_policy`). */
  readonly routingPolicy: RoutingPolicy;
  /** The actions Terraform created the listener and rules with: those of revision 1. */
  readonly initialActions: ListenerActions;

  constructor(scope: Construct, id: string, props: CanaryRoutingProps) {
    super(scope, id);
    validate(props);
    const name = `canaryfleet-${props.environment}`;
    const override = { header: 'X-Canary', canaryValue: 'always', stableValue: 'never', canaryPriority: 10, stablePriority: 20, sourceCidrs: [], ...props.headerOverride };

    this.trafficState = new TrafficStateParameter(this, 'traffic-state', {
      environment: props.environment,
      initialRelease: props.initialRelease,
      preventDestroy: !props.localAws,
    });

    this.accessLogs = new AccessLogBucket(this, 'access-logs', {
      bucketName: props.accessLogBucketName,
      prefix: 'alb',
      accountId: props.accountId,
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

    const group = (colour: FleetColour, route: 'weighted' | 'pinned') =>
      new FleetTargetGroup(this, route === 'weighted' ? `target-group-${colour}` : `pinned-target-group-${colour}`, {
        name: route === 'weighted' ? `cf-${props.environment}-${colour}` : `cf-${props.environment}-${colour}-pin`,
        logicalId: route === 'weighted' ? `target_group_${colour}` : `target_group_pinned_${colour}`,
        vpcId: props.vpcId,
        port: route === 'weighted' ? props.serverPort : props.pinnedPort,
        healthCheck: props.healthCheck,
        slowStartSeconds: props.slowStartSeconds,
        deregistrationDelaySeconds: props.deregistrationDelaySeconds,
        loadBalancingAlgorithm: props.loadBalancingAlgorithm,
        stickinessSeconds: props.targetStickinessSeconds,
      }).targetGroup;
    this.targetGroups = byColour((colour) => group(colour, 'weighted'));
    this.pinnedTargetGroups = byColour((colour) => group(colour, 'pinned'));

    this.routingPolicy = {
      environment: props.environment,
      stickinessSeconds: props.stickinessSeconds ?? DEFAULT_STICKINESS_SECONDS,
      header: { name: override.header, canaryValue: override.canaryValue },
    };
    this.initialActions = renderListenerActions(
      this.trafficState.initialState,
      { weighted: byColour((colour) => this.targetGroups[colour].arn), pinned: byColour((colour) => this.pinnedTargetGroups[colour].arn) },
      this.routingPolicy,
    );

    // Created with revision 1's actions, then written only by the operator (ADR 0007). The checks stop
    // any plan while the traffic state it follows is invalid.
    const trafficLifecycle = { ignoreChanges: ['default_action'], precondition: this.trafficState.checks };
    const defaultAction = this.initialActions.defaultActions.map(terraformAction);
    const httpPort = props.httpPort ?? 80;
    if (props.certificateArn !== undefined) {
      this.trafficListener = new LbListener(this, 'https-listener', {
        loadBalancerArn: this.loadBalancer.arn,
        port: props.httpsPort ?? 443,
        protocol: 'HTTPS',
        sslPolicy: TLS_POLICY,
        certificateArn: props.certificateArn,
        defaultAction,
        lifecycle: trafficLifecycle,
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
        defaultAction,
        lifecycle: trafficLifecycle,
      });
      this.trafficListener.overrideLogicalId('listener_http');
    }

    if (override.sourceCidrs.length > 0) {
      const rule = (role: 'canary' | 'stable', priority: number, value: string, actions: ListenerActions['canaryHeaderActions']) => {
        const created = new LbListenerRule(this, `${role}-header-rule`, {
          listenerArn: this.trafficListener.arn,
          priority,
          // Only the configured networks may pin a request: the header alone would let anyone reach an unvetted canary.
          condition: [{ httpHeader: { httpHeaderName: override.header, values: [value] } }, { sourceIp: { values: [...override.sourceCidrs] } }],
          action: actions.map(terraformAction),
          tags: { Name: `${name}-header-${role}` },
          lifecycle: { ignoreChanges: ['action'] },
        });
        created.overrideLogicalId(`rule_header_${role}`);
        return created;
      };
      this.headerRules = {
        canary: rule('canary', override.canaryPriority, override.canaryValue, this.initialActions.canaryHeaderActions),
        stable: rule('stable', override.stablePriority, override.stableValue, this.initialActions.stableHeaderActions),
      };
    }

    if (props.webAclArn !== undefined) {
      new Wafv2WebAclAssociation(this, 'web-acl', { resourceArn: this.loadBalancer.arn, webAclArn: props.webAclArn });
    }
  }
}

function validate(props: CanaryRoutingProps): void {
  if (props.publicSubnetIds.length < 2) {
    throw new PropError(`publicSubnetIds: ${props.publicSubnetIds.length} given: an Application Load Balancer needs subnets in at least 2 availability zones`);
  }
  if (props.certificateArn === undefined) {
    if (props.production) {
      throw new PropError('certificateArn = undefined: a production environment serves HTTPS only and needs an ACM certificate');
    }
    if (!props.plainHttpReason) {
      throw new PropError('certificateArn = undefined: set plainHttpReason to say why this environment may serve plain HTTP, or give a certificate');
    }
  } else if (props.plainHttpReason !== undefined) {
    throw new PropError('plainHttpReason: must be unset when certificateArn is set (the environment serves HTTPS)');
  }
  requireIntegerIn('idleTimeoutSeconds', props.idleTimeoutSeconds, 1, 4000, ' seconds');
  requireIntegerIn('httpPort', props.httpPort, 1, 65535);
  requireIntegerIn('httpsPort', props.httpsPort, 1, 65535);
  requireIntegerIn('accessLogRetentionDays', props.accessLogRetentionDays, 1, 3650, ' days');
  requireIntegerIn('stickinessSeconds', props.stickinessSeconds, MIN_STICKINESS_SECONDS, MAX_STICKINESS_SECONDS, ' seconds');
  requireIntegerIn('serverPort', props.serverPort, 1, 65535);
  requireIntegerIn('pinnedPort', props.pinnedPort, 1, 65535);
  if (isKnown(props.pinnedPort) && props.pinnedPort === props.serverPort) {
    throw new PropError(`pinnedPort = ${props.pinnedPort}: must differ from serverPort (${props.serverPort}): the server tells weighted from pinned requests by the port they arrive on`);
  }
  const o = props.headerOverride ?? {};
  if (o.header !== undefined && !HEADER_NAME.test(o.header)) {
    throw new PropError(`headerOverride.header = "${o.header}": must be an HTTP header name (letters, digits, -)`);
  }
  for (const key of ['canaryValue', 'stableValue'] as const) {
    if (o[key] !== undefined && o[key].trim() === '') {
      throw new PropError(`headerOverride.${key} = "${o[key]}": must be a non-empty header value`);
    }
  }
  const canaryPriority = o.canaryPriority ?? 10;
  const stablePriority = o.stablePriority ?? 20;
  requireIntegerIn('headerOverride.canaryPriority', canaryPriority, 1, 50000);
  requireIntegerIn('headerOverride.stablePriority', stablePriority, 1, 50000);
  if (isKnown(canaryPriority) && canaryPriority === stablePriority) {
    throw new PropError(`headerOverride.stablePriority = ${stablePriority}: must differ from headerOverride.canaryPriority (${canaryPriority}); listener rule priorities are unique`);
  }
  const canaryValue = (o.canaryValue ?? 'always').toLowerCase();
  const stableValue = (o.stableValue ?? 'never').toLowerCase();
  if (canaryValue === stableValue) {
    throw new PropError(`headerOverride.stableValue = "${o.stableValue ?? 'never'}": must differ from headerOverride.canaryValue (ALB compares header values case-insensitively)`);
  }
  const cidrs = o.sourceCidrs ?? [];
  if (cidrs.length > MAX_SOURCE_CIDRS) {
    throw new PropError(`headerOverride.sourceCidrs: ${cidrs.length} given: at most ${MAX_SOURCE_CIDRS} (an ALB rule takes 5 condition values, and the header value is one)`);
  }
  const open = cidrs.find((cidr) => /\/0+$/.test(cidr));
  if (open !== undefined) {
    throw new PropError(`headerOverride.sourceCidrs: "${open}" is the whole internet: anyone could pin themselves to an unvetted canary; list the networks of the people who test canaries`);
  }
}

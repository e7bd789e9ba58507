import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type Action,
  type ElasticLoadBalancingV2Client,
  type RuleCondition,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';

/** A registered target: an instance id and the port the target group sends to. */
export interface RegisteredTarget {
  readonly id: string;
  readonly port: number;
}

export interface HealthCheckSettings {
  readonly path: string;
  /** `traffic-port` or a port number. */
  readonly port: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** HTTP codes as ALB matchers write them: "200", "200-299", "200,204". */
  readonly matcher: string;
}

export interface TargetGroupConfig {
  readonly arn: string;
  /** `targetgroup/<name>/<id>`: the CloudWatch dimension value. */
  readonly arnSuffix: string;
  readonly port: number;
  readonly healthCheck: HealthCheckSettings;
  readonly algorithm: 'round_robin' | 'least_outstanding_requests';
  readonly deregistrationDelaySeconds: number;
  readonly targets: readonly RegisteredTarget[];
}

export interface ListenerRule {
  /** Lower first; the default rule last. */
  readonly priority: number;
  readonly conditions: readonly RuleCondition[];
  readonly actions: readonly Action[];
}

/** Everything the ALB stand-in routes by, as moto's ELBv2 API describes it. */
export interface ListenerConfig {
  readonly listenerArn: string;
  readonly loadBalancerArn: string;
  /** `app/<name>/<id>`: the CloudWatch dimension value. */
  readonly loadBalancerArnSuffix: string;
  readonly port: number;
  /** Rules in evaluation order, the default rule (the listener's default actions) last. */
  readonly rules: readonly ListenerRule[];
  readonly targetGroups: ReadonlyMap<string, TargetGroupConfig>;
}

/** `arn:...:loadbalancer/app/x/1` -> `app/x/1`; `arn:...:targetgroup/x/1` -> `targetgroup/x/1`. */
export function arnSuffix(arn: string): string {
  return arn.replace(/^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:(loadbalancer\/)?/, '');
}

/** Target groups an action sends to. */
export function actionTargetGroups(action: Action): string[] {
  if (action.Type !== 'forward') return [];
  const groups = action.ForwardConfig?.TargetGroups?.map((g) => g.TargetGroupArn ?? '') ?? [];
  return groups.length > 0 ? groups : [action.TargetGroupArn ?? ''];
}

function routingAction(actions: readonly Action[]): Action | undefined {
  return [...actions].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0)).at(-1);
}

async function targetGroupConfig(elbv2: ElasticLoadBalancingV2Client, group: TargetGroup, previous: TargetGroupConfig | undefined, readAttributes: boolean): Promise<TargetGroupConfig> {
  const arn = group.TargetGroupArn ?? '';
  const [health, attributes] = await Promise.all([
    elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })),
    readAttributes || !previous ? elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn })) : undefined,
  ]);
  const attribute = (key: string) => attributes?.Attributes?.find((a) => a.Key === key)?.Value;
  const port = group.Port ?? 80;
  return {
    arn,
    arnSuffix: arnSuffix(arn),
    port,
    healthCheck: {
      path: group.HealthCheckPath ?? '/',
      port: group.HealthCheckPort ?? 'traffic-port',
      intervalSeconds: group.HealthCheckIntervalSeconds ?? 30,
      timeoutSeconds: group.HealthCheckTimeoutSeconds ?? 5,
      healthyThreshold: group.HealthyThresholdCount ?? 5,
      unhealthyThreshold: group.UnhealthyThresholdCount ?? 2,
      matcher: group.Matcher?.HttpCode ?? '200',
    },
    algorithm: attributes
      ? attribute('load_balancing.algorithm.type') === 'least_outstanding_requests'
        ? 'least_outstanding_requests'
        : 'round_robin'
      : (previous?.algorithm ?? 'round_robin'),
    deregistrationDelaySeconds: attributes ? Number(attribute('deregistration_delay.timeout_seconds') ?? 300) : (previous?.deregistrationDelaySeconds ?? 300),
    targets: (health.TargetHealthDescriptions ?? []).map((d) => ({ id: d.Target?.Id ?? '', port: d.Target?.Port ?? port })),
  };
}

/**
 * Reads a listener, its rules and every target group they forward to, with registered targets, from
 * the ELBv2 API. Attributes (algorithm, deregistration delay) are read when `readAttributes` or for a
 * group not seen before.
 */
export async function readListenerConfig(elbv2: ElasticLoadBalancingV2Client, listenerArn: string, previous?: ListenerConfig, readAttributes = true): Promise<ListenerConfig> {
  const [listeners, described] = await Promise.all([
    elbv2.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] })),
    elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn })),
  ]);
  const listener = listeners.Listeners?.[0];
  if (!listener) throw new Error(`listener ${listenerArn} does not exist`);
  const rules: ListenerRule[] = (described.Rules ?? []).map((rule) => ({
    priority: rule.IsDefault || rule.Priority === 'default' ? Number.POSITIVE_INFINITY : Number(rule.Priority),
    conditions: rule.Conditions ?? [],
    actions: rule.IsDefault || rule.Priority === 'default' ? (listener.DefaultActions ?? []) : (rule.Actions ?? []),
  }));
  if (!rules.some((r) => r.priority === Number.POSITIVE_INFINITY)) rules.push({ priority: Number.POSITIVE_INFINITY, conditions: [], actions: listener.DefaultActions ?? [] });
  rules.sort((a, b) => a.priority - b.priority);
  const groupArns = [...new Set(rules.flatMap((r) => { const action = routingAction(r.actions); return action ? actionTargetGroups(action) : []; }))].filter(Boolean);
  const groups = groupArns.length > 0 ? ((await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: groupArns }))).TargetGroups ?? []) : [];
  const configs = await Promise.all(groups.map((g) => targetGroupConfig(elbv2, g, previous?.targetGroups.get(g.TargetGroupArn ?? ''), readAttributes)));
  const loadBalancerArn = listener.LoadBalancerArn ?? '';
  return {
    listenerArn,
    loadBalancerArn,
    loadBalancerArnSuffix: arnSuffix(loadBalancerArn),
    port: listener.Port ?? 80,
    rules: rules.map((r) => ({ ...r, actions: [routingAction(r.actions)].filter((a): a is Action => a !== undefined) })),
    targetGroups: new Map(configs.map((c) => [c.arn, c])),
  };
}

import { randomBytes } from 'node:crypto';
import type { Action, ElasticLoadBalancingV2Client, FixedResponseActionConfig as FixedActionConfig } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import replyFrom from '@fastify/reply-from';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AlbMetrics } from './alb-metrics';
import { GroupStickiness, type StickyBinding } from './group-stickiness';
import { arnSuffix, readListenerConfig, type ListenerConfig, type RegisteredTarget, type TargetGroupConfig } from './listener-config';
import { ruleMatches, type RequestFacts } from './rule-conditions';
import { TargetHealth, type ResolveTarget, type TargetState } from './target-health';

export interface AlbStandInOptions {
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly cloudWatch: CloudWatchClient;
  /** The listener this stand-in serves. */
  readonly listenerArn: string;
  /** Where a registered target's server listens on loopback. */
  readonly resolveTarget: ResolveTarget;
  /** Loopback port to listen on. @default a free port */
  readonly port?: number;
  /** How often the listener, rules and targets are read again. @default 500 */
  readonly refreshMilliseconds?: number;
  /** Period of the published ALB metrics. @default 60 (as ALB) */
  readonly metricsPeriodSeconds?: number;
  readonly log?: (line: string) => void;
}

/** Requests routed by each rule action, for tests and the live summary. */
export interface AlbCounters {
  /** Requests forwarded per target group ARN. */
  readonly forwarded: ReadonlyMap<string, number>;
  readonly fixedResponses: number;
  readonly elb5xx: number;
}

const TRACE_EPOCH_HEX = () => Math.floor(Date.now() / 1000).toString(16);

function elbErrorPage(status: 502 | 503 | 504): string {
  const text = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' }[status];
  return `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n</body>\r\n</html>\r\n`;
}

function weightedGroups(action: Action): { arn: string; weight: number }[] {
  const groups = action.ForwardConfig?.TargetGroups ?? [];
  return groups.length > 0 ? groups.map((g) => ({ arn: g.TargetGroupArn ?? '', weight: g.Weight ?? 1 })) : [{ arn: action.TargetGroupArn ?? '', weight: 1 }];
}

/**
 * A local stand-in for an Application Load Balancer listener: it reads the listener, its rules, target
 * groups and registered targets from the ELBv2 API (moto), refreshes them continuously, health-checks
 * the targets itself, routes each request as ALB does (docs/local-aws.md lists each behaviour and its
 * AWS documentation) and publishes ALB's CloudWatch metrics. Proxying is @fastify/reply-from (undici).
 */
export class AlbStandIn {
  private config!: ListenerConfig;
  private readonly app: FastifyInstance;
  private readonly health: TargetHealth;
  private readonly stickiness = new GroupStickiness();
  private readonly roundRobin = new Map<string, number>();
  private readonly outstanding = new Map<string, number>();
  private readonly draining = new Set<string>();
  private readonly forwarded = new Map<string, number>();
  private fixedResponses = 0;
  private elb5xx = 0;
  private refreshTimer?: NodeJS.Timeout;
  private refreshes = 0;
  private refreshFailing = false;
  readonly metrics: AlbMetrics;
  url = '';

  private constructor(private readonly options: AlbStandInOptions) {
    const log = options.log ?? (() => undefined);
    this.health = new TargetHealth(options.resolveTarget, (group, target, state) => log(`target ${target.id}:${target.port} of ${arnSuffix(group)} is ${state}`));
    this.metrics = new AlbMetrics({
      cloudWatch: options.cloudWatch,
      periodSeconds: options.metricsPeriodSeconds ?? 60,
      loadBalancerArnSuffix: () => this.config.loadBalancerArnSuffix,
      targetGroupArnSuffix: arnSuffix,
    });
    this.app = Fastify({ logger: false, keepAliveTimeout: 65_000 });
  }

  /** Reads the listener once, then listens on loopback and keeps following the listener. */
  static async start(options: AlbStandInOptions): Promise<AlbStandIn> {
    const alb = new AlbStandIn(options);
    await alb.refresh();
    await alb.listen();
    alb.scheduleRefresh();
    return alb;
  }

  /** Reads listener, rules, groups and targets now (a test need not wait for the next refresh). */
  async refresh(): Promise<void> {
    // Attributes (algorithm, deregistration delay) rarely change: read them every 10th refresh.
    this.config = await readListenerConfig(this.options.elbv2, this.options.listenerArn, this.config, this.refreshes % 10 === 0);
    this.refreshes += 1;
    this.health.sync(this.config);
  }

  get listener(): ListenerConfig {
    return this.config;
  }

  /** The stand-in's health view of a registered target. */
  targetState(groupArn: string, target: RegisteredTarget): TargetState {
    return this.health.state(groupArn, target);
  }

  /** Stops sending new requests to an instance at once (it is being deregistered). */
  stopRouting(instanceId: string): void {
    this.draining.add(instanceId);
  }

  /** Requests in flight to an instance, over all its ports. */
  inFlight(instanceId: string): number {
    let total = 0;
    for (const [key, count] of this.outstanding) if (key.startsWith(`${instanceId}:`)) total += count;
    return total;
  }

  counters(): AlbCounters {
    return { forwarded: new Map(this.forwarded), fixedResponses: this.fixedResponses, elb5xx: this.elb5xx };
  }

  /** Stops listening (requests in flight finish), then publishes the period still open. */
  async stop(): Promise<void> {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    await this.app.close();
    await this.health.stop();
    await this.metrics.stop();
  }

  private scheduleRefresh(): void {
    this.refreshTimer = setTimeout(async () => {
      try {
        await this.refresh();
        if (this.refreshFailing) this.options.log?.(`listener ${this.options.listenerArn} readable again`);
        this.refreshFailing = false;
      } catch (error) {
        // Keep routing by the last view, as ALB keeps its configuration when the API is unreachable.
        if (!this.refreshFailing) this.options.log?.(`cannot read listener ${this.options.listenerArn}: ${(error as Error).message}`);
        this.refreshFailing = true;
      }
      if (this.refreshTimer) this.scheduleRefresh();
    }, this.options.refreshMilliseconds ?? 500);
  }

  private async listen(): Promise<void> {
    const { app } = this;
    // Bodies pass through untouched, as a stream.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    await app.register(replyFrom, { undici: { connections: 256, pipelining: 1, keepAliveTimeout: 60_000 }, disableRequestLogging: true });
    app.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url: '/*', handler: (request, reply) => this.handle(request, reply) });
    await app.listen({ host: '127.0.0.1', port: this.options.port ?? 0 });
    const address = app.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  private facts(request: FastifyRequest): RequestFacts {
    const query = request.url.indexOf('?');
    const headers: Record<string, string | string[]> = {};
    // Raw headers keep repeated headers apart (Node joins some of them).
    const raw = request.raw.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toLowerCase();
      const existing = headers[name];
      headers[name] = existing === undefined ? raw[i + 1] : [...(typeof existing === 'string' ? [existing] : existing), raw[i + 1]];
    }
    return { method: request.method, path: query >= 0 ? request.url.slice(0, query) : request.url, headers, sourceIp: request.socket.remoteAddress ?? '' };
  }

  private handle(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const facts = this.facts(request);
    const rule = this.config.rules.find((r) => ruleMatches(r.conditions, facts));
    const action = rule?.actions[0];
    if (action?.Type === 'fixed-response') {
      const config: Partial<FixedActionConfig> = action.FixedResponseConfig ?? {};
      const status = Number(config.StatusCode ?? 200);
      this.fixedResponses += 1;
      this.metrics.recordLoadBalancer(status);
      return reply.code(status).type(config.ContentType ?? 'text/plain').send(config.MessageBody ?? '');
    }
    if (action?.Type !== 'forward') return this.elbError(reply, 502);
    return this.forward(request, reply, action);
  }

  private elbError(reply: FastifyReply, status: 502 | 503 | 504, recorded = false): FastifyReply {
    this.elb5xx += 1;
    if (!recorded) this.metrics.recordLoadBalancer(status);
    return reply.code(status).type('text/html').send(elbErrorPage(status));
  }

  private chooseGroup(request: FastifyRequest, action: Action): { arn: string; cookie?: string } | undefined {
    const groups = weightedGroups(action);
    const sticky = action.ForwardConfig?.TargetGroupStickinessConfig;
    const now = Date.now();
    let binding: StickyBinding | undefined;
    if (sticky?.Enabled) {
      binding = this.stickiness.read(request.headers.cookie, now);
      // A sticky client stays on its group while the group is in the action, at any weight.
      if (binding && !groups.some((g) => g.arn === binding?.targetGroupArn)) binding = undefined;
    }
    let arn = binding?.targetGroupArn;
    if (!arn) {
      const total = groups.reduce((sum, g) => sum + g.weight, 0);
      if (total <= 0) return undefined;
      let draw = Math.random() * total;
      arn = groups.find((g) => (draw -= g.weight) < 0)?.arn ?? groups[groups.length - 1].arn;
      if (sticky?.Enabled) binding = { targetGroupArn: arn, expiresAt: now + (sticky.DurationSeconds ?? 0) * 1000 };
    }
    return { arn, cookie: binding ? this.stickiness.cookie(binding) : undefined };
  }

  private chooseTarget(group: TargetGroupConfig): RegisteredTarget | undefined {
    const registered = group.targets.filter((t) => !this.draining.has(t.id));
    if (registered.length === 0) return undefined;
    const healthy = registered.filter((t) => this.health.state(group.arn, t) === 'healthy');
    // Fail open: with no healthy target, every registered target receives requests.
    const candidates = healthy.length > 0 ? healthy : registered;
    const turn = this.roundRobin.get(group.arn) ?? 0;
    this.roundRobin.set(group.arn, turn + 1);
    if (group.algorithm === 'round_robin') return candidates[turn % candidates.length];
    const load = (t: RegisteredTarget) => this.outstanding.get(`${t.id}:${t.port}`) ?? 0;
    const least = Math.min(...candidates.map(load));
    const tied = candidates.filter((t) => load(t) === least);
    return tied[turn % tied.length];
  }

  private forward(request: FastifyRequest, reply: FastifyReply, action: Action): FastifyReply {
    const chosen = this.chooseGroup(request, action);
    const group = chosen && this.config.targetGroups.get(chosen.arn);
    const target = group && this.chooseTarget(group);
    if (!chosen || !group || !target) return this.elbError(reply, 503);
    if (chosen.cookie) reply.header('set-cookie', chosen.cookie);
    this.forwarded.set(group.arn, (this.forwarded.get(group.arn) ?? 0) + 1);
    const port = this.options.resolveTarget(target);
    if (port === undefined) {
      // Nothing runs for this instance (its process is gone): the connection is refused.
      this.metrics.recordTarget(group.arn, { connectionError: true, elbStatus: 502 });
      return this.elbError(reply, 502, true);
    }
    const key = `${target.id}:${target.port}`;
    this.outstanding.set(key, (this.outstanding.get(key) ?? 0) + 1);
    reply.raw.once('close', () => this.outstanding.set(key, (this.outstanding.get(key) ?? 1) - 1));
    const started = process.hrtime.bigint();
    const clientIp = request.socket.remoteAddress ?? '';
    return reply.from(`http://127.0.0.1:${port}${request.url}`, {
      retryDelay: () => null,
      rewriteRequestHeaders: (_request, headers) => ({
        ...headers,
        'x-forwarded-for': headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${clientIp}` : clientIp,
        'x-forwarded-proto': 'http',
        'x-forwarded-port': String(this.config.port),
        'x-amzn-trace-id': `Root=1-${TRACE_EPOCH_HEX()}-${randomBytes(12).toString('hex')}`,
      }),
      onResponse: (_request, replied, response) => {
        const responseSeconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.metrics.recordTarget(group.arn, { status: response.statusCode, connectionError: false, responseSeconds });
        replied.send(response.stream);
      },
      onError: (replied, { error }) => {
        const code = (error as { cause?: { code?: string } }).cause?.code;
        const status = code === 'UND_ERR_HEADERS_TIMEOUT' ? 504 : 502;
        this.metrics.recordTarget(group.arn, { connectionError: code === 'ECONNREFUSED', elbStatus: status });
        this.elbError(replied as FastifyReply, status, true);
      },
    });
  }
}

// A deterministic, in-memory environment for reconcile tests: it applies the actions a reconcile step
// returns the way AWS would (or fails them on purpose), advances a fake clock, and publishes ALB
// per-minute metrics from the listener's real weights. The AWS adapters are tested against moto.
import {
  canonicalAction,
  initialTrafficState,
  renderListenerActions,
  type ElbAction,
  type FleetColour,
  type ObservedListener,
  type Release,
  type RoutingPolicy,
  type RoutingTargets,
  type TrafficState,
} from '@canaryfleet/traffic-state';
import {
  CanaryJudge,
  DEFAULT_LIMITS,
  initialRecord,
  reconcile,
  type Command,
  type MetricDatapoint,
  type Observations,
  type RolloutAction,
  type RolloutEvent,
  type RolloutRecord,
  type RolloutSpec,
  type JudgedInterval,
} from '../src';

export const V1: Release = { modelVersion: 'tiny-llm-v1', serverImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2', amiId: 'ami-0123456789abcdef0' };
export const V2: Release = { ...V1, modelVersion: 'tiny-llm-v2' };

export const TARGETS: RoutingTargets = {
  weighted: {
    blue: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cf-dev-blue/0000000000000001',
    green: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cf-dev-green/0000000000000002',
  },
  pinned: {
    blue: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cf-dev-blue-pin/0000000000000003',
    green: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cf-dev-green-pin/0000000000000004',
  },
};
export const POLICY: RoutingPolicy = { environment: 'dev', stickinessSeconds: 300, header: { name: 'X-Canary', canaryValue: 'always' } };

export const START = Date.parse('2026-11-29T12:00:00Z');

export function testSpec(overrides: Partial<RolloutSpec> = {}): RolloutSpec {
  return {
    rolloutId: 'r-test-1',
    environment: 'dev',
    release: V2,
    canary: 'green',
    schedule: { steps: [10, 50, 250, 500].map((canaryPerMille) => ({ canaryPerMille, minBakeSeconds: 120 })), intervalSeconds: 60 },
    limits: { ...DEFAULT_LIMITS, drainSeconds: 300 },
    metricSources: { fleet: false, albSlowThresholdSeconds: null },
    routing: { targets: TARGETS, policy: POLICY },
    maxCapacity: 8,
    minCapacity: 2,
    alarms: {
      blue: { unhealthy_hosts: 'cf-dev-blue-unhealthy-hosts', target_5xx: 'cf-dev-blue-target-5xx' },
      green: { unhealthy_hosts: 'cf-dev-green-unhealthy-hosts', target_5xx: 'cf-dev-green-target-5xx' },
    },
    warmupAlarmKinds: ['unhealthy_hosts'],
    startedBy: 'alice',
    startedAt: '2026-11-29T12:00:00Z',
    ...overrides,
  };
}

/** Per-fleet behaviour of the simulated servers. */
export interface Behaviour {
  readonly errorRate: number;
  /** The fleet publishes no metrics at all (a broken metrics pipeline). */
  readonly silent?: boolean;
}

function asObserved(actions: readonly ElbAction[]): ObservedListener['defaultActions'] {
  return actions.map((a) => JSON.parse(JSON.stringify(a)));
}

export class World {
  now = START;
  trafficState: TrafficState = initialTrafficState(V1);
  listener: ObservedListener;
  amiParameters: Partial<Record<FleetColour, string>> = {};
  desired: Record<FleetColour, number> = { blue: 4, green: 0 };
  minSize: Record<FleetColour, number> = { blue: 2, green: 0 };
  instances: Record<FleetColour, number> = { blue: 4, green: 0 };
  /** Instances start serving this long after they are requested. */
  bootSeconds = 60;
  /** Healthy targets reported instead of the instances in service (a target that passed checks, then died). */
  healthyOverride: Partial<Record<FleetColour, number>> = {};
  private booting: { colour: FleetColour; readyAt: number }[] = [];
  alarms: Record<string, 'OK' | 'ALARM'> = {};
  datapoints: MetricDatapoint[] = [];
  commands: Command[] = [];
  behaviour: Record<FleetColour, Behaviour> = { blue: { errorRate: 0.005 }, green: { errorRate: 0.005 } };
  requestsPerMinute = 6000;
  /** Writes of these kinds are accepted by the API but never take effect (lost). */
  lose: Set<RolloutAction['type']> = new Set();
  /** Every action applied, with the clock, in order. */
  readonly applied: { at: number; action: RolloutAction }[] = [];
  private publishedUntil = START;

  constructor() {
    this.listener = this.rendered(this.trafficState);
  }

  rendered(state: TrafficState): ObservedListener {
    const r = renderListenerActions(state, TARGETS, POLICY);
    return { defaultActions: asObserved(r.defaultActions), canaryHeaderActions: asObserved(r.canaryHeaderActions), stableHeaderActions: asObserved(r.stableHeaderActions) };
  }

  apply(actions: readonly RolloutAction[]): void {
    for (const action of actions) {
      this.applied.push({ at: this.now, action });
      if (this.lose.has(action.type)) continue;
      if (action.type === 'write-traffic-state') this.trafficState = action.state;
      else if (action.type === 'write-listener') this.listener = { defaultActions: asObserved(action.actions.defaultActions), canaryHeaderActions: asObserved(action.actions.canaryHeaderActions), stableHeaderActions: asObserved(action.actions.stableHeaderActions) };
      else if (action.type === 'write-ami-parameter') this.amiParameters[action.colour] = action.amiId;
      else {
        this.minSize[action.colour] = action.minSize;
        this.setCapacity(action.colour, action.desired);
      }
    }
  }

  setCapacity(colour: FleetColour, desired: number): void {
    const added = desired - this.desired[colour];
    this.desired[colour] = desired;
    if (added > 0) for (let i = 0; i < added; i++) this.booting.push({ colour, readyAt: this.now + this.bootSeconds * 1000 });
    else {
      this.instances[colour] = Math.min(this.instances[colour], desired);
      this.booting = this.booting.filter((b) => b.colour !== colour).slice(0, Math.max(0, desired - this.instances[colour]));
    }
  }

  /** Share of weighted requests each fleet receives, from the listener as it is. */
  weights(): Record<FleetColour, number> {
    const action = canonicalAction(this.listener.defaultActions[0]);
    const out: Record<FleetColour, number> = { blue: 0, green: 0 };
    if (action.type !== 'forward') return out;
    const total = action.targets.reduce((sum, t) => sum + t.weight, 0);
    for (const target of action.targets) out[target.arn === TARGETS.weighted.blue ? 'blue' : 'green'] += target.weight / total;
    return out;
  }

  advance(seconds: number): void {
    const until = this.now + seconds * 1000;
    while (this.now < until) {
      this.now = Math.min(until, this.now + 1000);
      for (const boot of this.booting.filter((b) => b.readyAt <= this.now)) this.instances[boot.colour]++;
      this.booting = this.booting.filter((b) => b.readyAt > this.now);
      // ALB publishes a minute once it is over.
      if (this.now - this.publishedUntil >= 60_000) {
        this.publishMinute(this.publishedUntil / 1000);
        this.publishedUntil += 60_000;
      }
    }
  }

  private publishMinute(start: number): void {
    const weights = this.weights();
    for (const colour of ['blue', 'green'] as const) {
      const requests = Math.round(this.requestsPerMinute * weights[colour]);
      if (requests === 0 || this.behaviour[colour].silent) continue;
      const errors = Math.round(requests * this.behaviour[colour].errorRate);
      const point = (metric: MetricDatapoint['metric'], value: number): MetricDatapoint => ({ colour, source: 'alb', metric, start, periodSeconds: 60, value });
      this.datapoints.push(point('requests', requests), point('errors', errors));
    }
  }

  observe(): Observations {
    const fleet = (colour: FleetColour) => ({ desired: this.desired[colour], minSize: this.minSize[colour], instances: this.instances[colour] + this.booting.filter((b) => b.colour === colour).length, inService: this.instances[colour] });
    return {
      now: new Date(this.now),
      trafficState: { kind: 'ok', state: this.trafficState },
      listener: this.listener,
      targets: {
        blue: { healthy: this.healthyOverride.blue ?? this.instances.blue, notHealthy: this.booting.filter((b) => b.colour === 'blue').length, draining: 0 },
        green: { healthy: this.healthyOverride.green ?? this.instances.green, notHealthy: this.booting.filter((b) => b.colour === 'green').length, draining: 0 },
      },
      fleets: { blue: fleet('blue'), green: fleet('green') },
      alarms: Object.entries(this.alarms).map(([name, state]) => ({ name, state })),
      datapoints: this.datapoints,
      commands: this.commands,
    };
  }
}

/** A controller in miniature: reconcile, keep the record (the journal), apply the actions, advance the clock. */
export class Driver {
  record: RolloutRecord;
  judge: CanaryJudge;
  readonly events: RolloutEvent[] = [];
  readonly journal: JudgedInterval[] = [];

  constructor(
    readonly world: World,
    readonly spec: RolloutSpec = testSpec(),
  ) {
    this.record = initialRecord(spec.rolloutId);
    this.judge = new CanaryJudge(spec.metricSources, spec.schedule.intervalSeconds, spec.routing.policy.stickinessSeconds);
  }

  tick() {
    const result = reconcile({ spec: this.spec, record: this.record, observations: this.world.observe(), judge: this.judge });
    this.record = result.record;
    this.events.push(...result.events);
    this.journal.push(...result.judged);
    this.world.apply(result.actions);
    return result;
  }

  /** Ticks every `every` seconds until `done` or the time runs out (a hang guard, not a timing check). */
  runUntil(done: (driver: Driver) => boolean, options: { every?: number; maxSeconds?: number } = {}): void {
    const every = options.every ?? 10;
    const deadline = this.world.now + (options.maxSeconds ?? 4 * 3600) * 1000;
    while (!done(this)) {
      if (this.world.now >= deadline) throw new Error(`not done after ${options.maxSeconds ?? 4 * 3600} s; stage ${this.record.stage}, last events: ${this.events.slice(-5).map((e) => `${e.reason}: ${e.message}`).join(' | ')}`);
      this.tick();
      this.world.advance(every);
    }
  }

  reasons(): string[] {
    return this.events.map((e) => e.reason);
  }

  /** A new process: the journal's record, a judge rebuilt by replaying the journaled observations. */
  restart(): void {
    this.judge = new CanaryJudge(this.spec.metricSources, this.spec.schedule.intervalSeconds, this.spec.routing.policy.stickinessSeconds);
    this.judge.replay(this.journal.map((j) => j.observation));
  }
}

export const done = (d: Driver) => d.record.stage === 'done';
export const stageIs = (stage: RolloutRecord['stage']) => (d: Driver) => d.record.stage === stage;
export const reasonSeen = (reason: string) => (d: Driver) => d.events.some((e) => e.reason === reason);

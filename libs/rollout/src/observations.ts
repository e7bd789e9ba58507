import type { FleetColour, ObservedListener, TrafficState } from '@canaryfleet/traffic-state';

/** The traffic-state parameter as read: a valid document, no parameter, or a document that fails its invariants. */
export type ObservedTrafficState =
  | { readonly kind: 'ok'; readonly state: TrafficState }
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

/** Targets of one weighted target group by health state (DescribeTargetHealth). */
export interface TargetHealthCounts {
  readonly healthy: number;
  /** initial, unhealthy, unavailable: registered but not serving. */
  readonly notHealthy: number;
  readonly draining: number;
}

/** One fleet's Auto Scaling group. */
export interface FleetObservation {
  readonly desired: number;
  readonly minSize: number;
  /** Instances in the group at all (any lifecycle state): 0 means the fleet has scaled to zero. */
  readonly instances: number;
  readonly inService: number;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmObservation {
  readonly name: string;
  readonly state: AlarmState;
}

/** What the judge can be fed, per source: ALB per weighted target group, or the fleet's own counts (Route=weighted). */
export type MetricSource = 'alb' | 'fleet';
export type MetricKey = 'requests' | 'errors' | 'slow' | 'qualitySum' | 'qualityCount';

/** One CloudWatch datapoint: the sum of `metric` over [start, start + periodSeconds). */
export interface MetricDatapoint {
  readonly colour: FleetColour;
  readonly source: MetricSource;
  readonly metric: MetricKey;
  /** Epoch seconds. */
  readonly start: number;
  readonly periodSeconds: number;
  readonly value: number;
}

export type CommandKind = 'pause' | 'resume' | 'promote' | 'abort';

/** A request a person made (`canary pause|resume|promote|abort`), journaled for the lease holder to apply. */
export interface Command {
  readonly seq: number;
  readonly kind: CommandKind;
  readonly by: string;
  readonly reason: string;
  readonly at: string;
  readonly skipAnalysis?: boolean;
}

/** Everything one `reconcile` step looks at. */
export interface Observations {
  readonly now: Date;
  readonly trafficState: ObservedTrafficState;
  readonly listener: ObservedListener;
  /** Target health of the weighted target groups. */
  readonly targets: Readonly<Record<FleetColour, TargetHealthCounts>>;
  readonly fleets: Readonly<Record<FleetColour, FleetObservation>>;
  readonly alarms: readonly AlarmObservation[];
  /** Datapoints since the judging watermark; older ones are ignored (never counted twice). */
  readonly datapoints: readonly MetricDatapoint[];
  /** Commands not yet applied (seq > record.commandsApplied). */
  readonly commands: readonly Command[];
}

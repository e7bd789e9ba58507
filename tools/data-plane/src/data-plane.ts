import { AlbStandIn, type AlbCounters } from './alb/alb-stand-in';
import type { AlbPeriod } from './alb/alb-metrics';
import { awsClients } from './aws-clients';
import type { EnvironmentOutputs } from './environment-outputs';
import { FleetSupervisor, type PublishedFleetPeriod } from './fleet/fleet-supervisor';

export interface DataPlaneOptions {
  /** The moto endpoint the environment is deployed on. */
  readonly endpoint: string;
  readonly outputs: EnvironmentOutputs;
  /** Loopback port of the ALB stand-in's listener. @default a free port */
  readonly albPort?: number;
  /** Period of the ALB metrics. @default the outputs' alb_metrics_period_seconds (60 as ALB; 10 in `local`) */
  readonly albMetricsPeriodSeconds?: number;
  /** Period of the fleet-published metrics. @default the outputs' fleet_metrics.periodSeconds (10) */
  readonly fleetMetricsPeriodSeconds?: number;
  /** Simulated model load time of a starting server. @default 3 */
  readonly modelLoadSeconds?: number;
  readonly log?: (line: string) => void;
}

/** What the data plane counted and published, for tests, the demo and the live summary. */
export interface DataPlaneCounters {
  readonly alb: AlbCounters;
  /** ALB metric periods closed so far, each exactly as published. */
  readonly albPeriods: readonly AlbPeriod[];
  /** Fleet metric periods every server published so far. */
  readonly fleetPeriods: readonly PublishedFleetPeriod[];
}

export interface DataPlane {
  /** The ALB stand-in's listener on loopback: where clients send requests. */
  readonly url: string;
  readonly alb: AlbStandIn;
  readonly fleets: FleetSupervisor;
  counters(): DataPlaneCounters;
  /** Stops the listener (requests in flight finish), then every server; all metrics are published first. */
  stop(): Promise<void>;
}

/**
 * Starts the local data plane of a deployed environment: the ALB stand-in on the environment's traffic
 * listener, and the fleet supervisor that runs one inference-server stand-in per instance.
 */
export async function startDataPlane(options: DataPlaneOptions): Promise<DataPlane> {
  const log = options.log ?? (() => undefined);
  const aws = awsClients(options.endpoint);
  const fleets = new FleetSupervisor({
    aws,
    endpoint: options.endpoint,
    outputs: options.outputs,
    modelLoadSeconds: options.modelLoadSeconds ?? 3,
    fleetMetricsPeriodSeconds: options.fleetMetricsPeriodSeconds ?? options.outputs.fleet_metrics.periodSeconds,
    log,
  });
  let alb: AlbStandIn;
  try {
    alb = await AlbStandIn.start({
      elbv2: aws.elbv2,
      cloudWatch: aws.cloudWatch,
      listenerArn: options.outputs.traffic_listener_arn,
      resolveTarget: fleets.resolve,
      port: options.albPort,
      metricsPeriodSeconds: options.albMetricsPeriodSeconds ?? options.outputs.alb_metrics_period_seconds,
      log,
    });
    await fleets.start(alb);
  } catch (error) {
    await fleets.stop();
    aws.destroy();
    throw error;
  }
  log(`ALB stand-in for ${options.outputs.traffic_listener_arn} listening at ${alb.url}`);
  return {
    url: alb.url,
    alb,
    fleets,
    counters: () => ({ alb: alb.counters(), albPeriods: [...alb.metrics.published], fleetPeriods: [...fleets.published] }),
    async stop() {
      await alb.stop();
      await fleets.stop();
      aws.destroy();
    },
  };
}

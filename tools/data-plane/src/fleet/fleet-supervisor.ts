import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { FleetPeriodCounts, Route } from '@canaryfleet/fleet-metrics';
import { FLEET_COLOURS, type FleetColour } from '@canaryfleet/traffic-state';
import type { RegisteredTarget } from '../alb/listener-config';
import type { AwsClients } from '../aws-clients';
import type { EnvironmentOutputs } from '../environment-outputs';
import { ServerProcess } from './server-process';

/** What the supervisor needs from the load balancer stand-in to drain an instance. */
export interface DrainingRouter {
  stopRouting(instanceId: string): void;
  inFlight(instanceId: string): number;
}

export interface FleetSupervisorOptions {
  readonly aws: AwsClients;
  readonly endpoint: string;
  readonly outputs: EnvironmentOutputs;
  readonly modelLoadSeconds: number;
  readonly fleetMetricsPeriodSeconds: number;
  /** How often the Auto Scaling groups and registrations are read. @default 1000 */
  readonly pollMilliseconds?: number;
  readonly log: (line: string) => void;
}

/** One period a server published, as it published it. */
export interface PublishedFleetPeriod {
  readonly colour: FleetColour;
  readonly instanceId: string;
  readonly route: Route;
  readonly periodStart: number;
  readonly counts: FleetPeriodCounts;
}

interface FleetGroup {
  readonly arn: string;
  readonly port: number;
  readonly route: Route;
}

interface Instance {
  readonly colour: FleetColour;
  readonly server: ServerProcess;
  /** Left its Auto Scaling group: deregistered, finishing its requests, then stopped. */
  draining: boolean;
}

/**
 * Runs one inference-server stand-in per instance moto reports in each fleet's Auto Scaling group and
 * keeps moto's target registrations in step with them (moto registers new instances, healthy, at once
 * and never deregisters on scale-in): an instance is registered with its fleet's target groups once its
 * server has loaded its model, and deregistered, then drained and stopped, when it leaves the group.
 * A server that dies by itself stays registered, as a crashed process on a live instance would.
 */
export class FleetSupervisor {
  private readonly instances = new Map<string, Instance>();
  private readonly groups = new Map<FleetColour, FleetGroup[]>();
  private readonly portRoutes = new Map<number, Route>();
  private healthPath = '/';
  private deregistrationDelaySeconds = 300;
  private router?: DrainingRouter;
  private timer?: NodeJS.Timeout;
  private reconciling = Promise.resolve();
  private stopped = false;
  /** Every period any server published. */
  readonly published: PublishedFleetPeriod[] = [];

  constructor(private readonly options: FleetSupervisorOptions) {}

  /** Where a registered target's server listens: the port of the route its target group's port stands for. */
  readonly resolve = (target: RegisteredTarget): number | undefined => {
    const server = this.instances.get(target.id)?.server;
    const route = this.portRoutes.get(target.port);
    return server && route && !server.exited ? server.ports?.[route] : undefined;
  };

  /** Reads the fleets' target groups, then follows the Auto Scaling groups until stopped. */
  async start(router: DrainingRouter): Promise<void> {
    this.router = router;
    const { outputs, aws } = this.options;
    const arns = FLEET_COLOURS.flatMap((c) => [outputs.target_group_arns[c], outputs.pinned_target_group_arns[c]]);
    const described = (await aws.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: arns }))).TargetGroups ?? [];
    const port = (arn: string) => described.find((g) => g.TargetGroupArn === arn)?.Port ?? 0;
    for (const colour of FLEET_COLOURS) {
      this.groups.set(colour, [
        { arn: outputs.target_group_arns[colour], port: port(outputs.target_group_arns[colour]), route: 'weighted' },
        { arn: outputs.pinned_target_group_arns[colour], port: port(outputs.pinned_target_group_arns[colour]), route: 'pinned' },
      ]);
    }
    for (const group of this.groups.get('blue') ?? []) this.portRoutes.set(group.port, group.route);
    if (this.portRoutes.size !== 2) throw new Error(`the weighted and pinned target groups must target two different ports (server.port and server.pinnedPort); found ${[...this.portRoutes.keys()].join(', ')}`);
    this.healthPath = described.find((g) => g.TargetGroupArn === outputs.target_group_arns.blue)?.HealthCheckPath ?? '/';
    const attributes = await aws.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: outputs.target_group_arns.blue }));
    this.deregistrationDelaySeconds = Number(attributes.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value ?? 300);
    await this.reconcile();
    this.schedule();
  }

  /** Servers by instance: colour, model version, whether it serves. */
  servers(): { instanceId: string; colour: FleetColour; modelVersion?: string; loaded: boolean; exited: boolean; draining: boolean }[] {
    return [...this.instances].map(([instanceId, i]) => ({ instanceId, colour: i.colour, modelVersion: i.server.modelVersion, loaded: i.server.loaded, exited: i.server.exited, draining: i.draining }));
  }

  /** Reads the Auto Scaling groups and registrations now and acts on the difference. */
  reconcileNow(): Promise<void> {
    this.reconciling = this.reconciling.then(() => this.reconcile()).catch((error: Error) => this.options.log(`fleet supervisor: ${error.message}`));
    return this.reconciling;
  }

  /** Stops following the groups and stops every server (each publishes its last period). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.reconciling;
    await Promise.all([...this.instances.values()].map((i) => i.server.stop()));
  }

  private schedule(): void {
    this.timer = setTimeout(async () => {
      await this.reconcileNow();
      if (!this.stopped) this.schedule();
    }, this.options.pollMilliseconds ?? 1000);
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const { aws, outputs } = this.options;
    const names = FLEET_COLOURS.map((c) => outputs.asg_names[c]);
    const described = (await aws.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names }))).AutoScalingGroups ?? [];
    for (const colour of FLEET_COLOURS) {
      const group = described.find((g) => g.AutoScalingGroupName === outputs.asg_names[colour]);
      const members = new Set((group?.Instances ?? []).filter((i) => !String(i.LifecycleState).startsWith('Terminat')).map((i) => i.InstanceId ?? ''));
      for (const id of members) if (!this.instances.has(id)) this.launch(colour, id);
      for (const [id, instance] of this.instances) {
        if (instance.colour === colour && !members.has(id) && !instance.draining) void this.drain(id, instance);
      }
      await this.syncRegistrations(colour);
    }
  }

  private launch(colour: FleetColour, instanceId: string): void {
    const { outputs, log } = this.options;
    const server = new ServerProcess(
      {
        environment: outputs.routing_policy.environment,
        colour,
        instanceId,
        endpoint: this.options.endpoint,
        trafficStateParameter: outputs.traffic_state_parameter,
        healthPath: this.healthPath,
        modelLoadSeconds: this.options.modelLoadSeconds,
        slowRequestSeconds: outputs.fleet_metrics.slowRequestSeconds,
        metrics: { namespace: outputs.fleet_metrics.namespace, periodSeconds: this.options.fleetMetricsPeriodSeconds },
      },
      {
        onLoaded: () => {
          log(`${colour} ${instanceId}: ${server.modelVersion} loaded`);
          void this.reconcileNow();
        },
        onMessage: (message) => {
          if (message.type === 'published') this.published.push({ colour, instanceId, route: message.route, periodStart: message.periodStart, counts: message.counts });
        },
        onExit: (code, expected, output) => {
          if (!expected) log(`${colour} ${instanceId}: server exited with code ${code}${output ? `: ${output}` : ''}`);
        },
      },
    );
    this.instances.set(instanceId, { colour, server, draining: false });
    log(`${colour} ${instanceId}: starting a server (pid ${server.pid})`);
  }

  private async drain(instanceId: string, instance: Instance): Promise<void> {
    instance.draining = true;
    this.router?.stopRouting(instanceId);
    await this.setRegistered(instance.colour, instanceId, false);
    // Like ALB: draining ends when the target has no request in flight, at the latest after the delay.
    const deadline = Date.now() + this.deregistrationDelaySeconds * 1000;
    while (Date.now() < deadline && (this.router?.inFlight(instanceId) ?? 0) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    await instance.server.stop();
    this.instances.delete(instanceId);
    this.options.log(`${instance.colour} ${instanceId}: left its Auto Scaling group; drained and stopped`);
  }

  private async setRegistered(colour: FleetColour, instanceId: string, registered: boolean): Promise<void> {
    for (const group of this.groups.get(colour) ?? []) {
      const input = { TargetGroupArn: group.arn, Targets: [{ Id: instanceId, Port: group.port }] };
      await this.options.aws.elbv2.send(registered ? new RegisterTargetsCommand(input) : new DeregisterTargetsCommand(input));
    }
  }

  /** Registered: instances whose server loaded its model (or has crashed since); nothing else. */
  private async syncRegistrations(colour: FleetColour): Promise<void> {
    for (const group of this.groups.get(colour) ?? []) {
      const health = await this.options.aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.arn }));
      const registered = new Set((health.TargetHealthDescriptions ?? []).map((d) => d.Target?.Id ?? ''));
      for (const id of registered) {
        const instance = this.instances.get(id);
        const belongs = instance && !instance.draining && instance.server.loaded;
        if (!belongs) await this.options.aws.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: group.arn, Targets: [{ Id: id, Port: group.port }] }));
      }
      for (const [id, instance] of this.instances) {
        if (instance.colour === colour && !instance.draining && instance.server.loaded && !registered.has(id)) {
          await this.options.aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: group.arn, Targets: [{ Id: id, Port: group.port }] }));
          this.options.log(`${colour} ${id}: registered with ${group.route} target group (port ${group.port})`);
        }
      }
    }
  }
}

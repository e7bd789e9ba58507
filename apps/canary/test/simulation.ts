// Drives the controller on moto with a simulated clock: `sleep` advances it, and each minute that
// passes publishes ALB-shaped per-target-group metrics for the traffic the listener's real weights
// send each fleet (what the local data plane of issue 9 does with real requests).
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { canonicalAction, type FleetColour } from '@canaryfleet/traffic-state';
import { ListenerRouter, type Clock } from '@canaryfleet/rollout-aws';
import type { MotoWorld } from './moto-world';

export interface FleetBehaviour {
  readonly errorRate: number;
}

export class SimulatedTraffic implements Clock {
  private time: number;
  private publishedUntil: number;
  requestsPerMinute = 6000;
  behaviour: Record<FleetColour, FleetBehaviour> = { blue: { errorRate: 0.005 }, green: { errorRate: 0.005 } };

  private readonly router: ListenerRouter;

  constructor(
    private readonly world: MotoWorld,
    start: number,
  ) {
    this.time = start;
    this.publishedUntil = start;
    // Its own view of the listener, through the world's clients (never the faulty ones under test).
    this.router = new ListenerRouter(world.clients.elbv2, { listenerArn: world.environment.outputs.traffic_listener_arn, headerRuleArns: null });
  }

  now(): Date {
    return new Date(this.time);
  }

  async sleep(ms: number): Promise<void> {
    await this.advance(ms / 1000);
  }

  async advance(seconds: number): Promise<void> {
    this.time += seconds * 1000;
    while (this.time - this.publishedUntil >= 60_000) {
      await this.publishMinute(this.publishedUntil);
      this.publishedUntil += 60_000;
    }
  }

  private async publishMinute(start: number): Promise<void> {
    const listener = await this.router.read();
    const action = canonicalAction(listener.defaultActions[0]);
    if (action.type !== 'forward') return;
    const { outputs } = this.world.environment;
    const total = action.targets.reduce((sum, t) => sum + t.weight, 0);
    const data = action.targets.flatMap((target) => {
      const colour: FleetColour = target.arn === outputs.target_group_arns.blue ? 'blue' : 'green';
      const requests = Math.round((this.requestsPerMinute * target.weight) / total);
      const dimensions = [
        { Name: 'LoadBalancer', Value: outputs.alb_arn_suffix },
        { Name: 'TargetGroup', Value: outputs.target_group_arn_suffixes[colour] },
      ];
      const datum = (MetricName: string, Value: number) => ({ MetricName, Dimensions: dimensions, Timestamp: new Date(start), Value, Unit: 'Count' as const });
      return [datum('RequestCount', requests), datum('HTTPCode_Target_5XX_Count', Math.round(requests * this.behaviour[colour].errorRate))];
    });
    if (data.length > 0) await this.world.clients.cloudWatch.send(new PutMetricDataCommand({ Namespace: 'AWS/ApplicationELB', MetricData: data }));
  }
}

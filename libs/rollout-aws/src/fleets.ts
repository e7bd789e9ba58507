import { DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeTargetHealthCommand, waitUntilTargetInService, type ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { FleetObservation, TargetHealthCounts } from '@canaryfleet/rollout';
import { byColour, FLEET_COLOURS, type FleetColour } from '@canaryfleet/traffic-state';

export interface FleetNames {
  readonly asgNames: Readonly<Record<FleetColour, string>>;
  /** The weighted target groups: the health the listener routes by. */
  readonly targetGroupArns: Readonly<Record<FleetColour, string>>;
}

/** Both fleets: Auto Scaling capacity (ADR 0004: the operator owns min and desired) and target health. */
export class Fleets {
  constructor(
    private readonly autoScaling: AutoScalingClient,
    private readonly elbv2: ElasticLoadBalancingV2Client,
    private readonly names: FleetNames,
  ) {}

  async capacity(): Promise<Record<FleetColour, FleetObservation>> {
    const { AutoScalingGroups } = await this.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: FLEET_COLOURS.map((c) => this.names.asgNames[c]) }));
    return byColour((colour) => {
      const group = AutoScalingGroups?.find((g) => g.AutoScalingGroupName === this.names.asgNames[colour]);
      if (!group) throw new Error(`Auto Scaling group ${this.names.asgNames[colour]} (${colour}) does not exist`);
      const instances = group.Instances ?? [];
      return { desired: group.DesiredCapacity ?? 0, minSize: group.MinSize ?? 0, instances: instances.length, inService: instances.filter((i) => i.LifecycleState === 'InService').length };
    });
  }

  async targetHealth(): Promise<Record<FleetColour, TargetHealthCounts>> {
    const entries = await Promise.all(
      FLEET_COLOURS.map(async (colour) => {
        const { TargetHealthDescriptions } = await this.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: this.names.targetGroupArns[colour] }));
        const states = (TargetHealthDescriptions ?? []).map((t) => t.TargetHealth?.State);
        return [colour, { healthy: states.filter((s) => s === 'healthy').length, draining: states.filter((s) => s === 'draining').length, notHealthy: states.filter((s) => s !== 'healthy' && s !== 'draining').length }] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<FleetColour, TargetHealthCounts>;
  }

  async setCapacity(colour: FleetColour, desired: number, minSize: number): Promise<void> {
    await this.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: this.names.asgNames[colour], MinSize: minSize, DesiredCapacity: desired }));
  }

  /**
   * Waits (the SDK's waiter, not a loop of ours) until the fleet's instances are in service in its
   * weighted target group, or `maxWaitSeconds` pass; returns whether they are. The controller uses it
   * to sleep through a warm-up; the decision is still the reconcile step's.
   */
  async waitUntilHealthy(colour: FleetColour, maxWaitSeconds: number): Promise<boolean> {
    const { AutoScalingGroups } = await this.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [this.names.asgNames[colour]] }));
    const ids = (AutoScalingGroups?.[0]?.Instances ?? []).map((i) => i.InstanceId).filter((id): id is string => Boolean(id));
    if (ids.length === 0) return false;
    try {
      const result = await waitUntilTargetInService(
        { client: this.elbv2, maxWaitTime: maxWaitSeconds, minDelay: 2, maxDelay: Math.max(2, Math.min(15, maxWaitSeconds)) },
        { TargetGroupArn: this.names.targetGroupArns[colour], Targets: ids.map((Id) => ({ Id })) },
      );
      return result.state === 'SUCCESS';
    } catch {
      return false;
    }
  }
}

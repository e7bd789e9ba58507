import { CreateAutoScalingGroupCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { FLEET_COLOURS, initialTrafficState, parseTrafficState, serializeTrafficState, type FleetColour, type Release, type TrafficState } from '@canaryfleet/traffic-state';
import { parseEnvironmentOutputs, type EnvironmentOutputs } from '../src/environment-outputs';
import { ElbFixture, forward } from './elb-fixture';

export function release(modelVersion: string): Release {
  return { modelVersion, serverImage: '000000000000.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2', amiId: 'ami-0123456789abcdef0' };
}

/**
 * Two fleets on a plain moto, shaped like an environment's (an ASG per colour registered with a weighted
 * target group on port 8080 and a pinned one on 8081, the traffic state in SSM, a listener with a header
 * rule), created through the SDK, with the outputs the data plane reads.
 */
export class FleetFixture {
  private constructor(
    readonly elb: ElbFixture,
    readonly outputs: EnvironmentOutputs,
  ) {}

  static async start(): Promise<FleetFixture> {
    const elb = await ElbFixture.start();
    const { aws } = elb;
    const weighted = { blue: await elb.targetGroup([], 8080), green: await elb.targetGroup([], 8080) };
    const pinned = { blue: await elb.targetGroup([], 8081), green: await elb.targetGroup([], 8081) };
    const listenerArn = await elb.listener([forward(weighted.blue)]);
    await elb.rule(listenerArn, 10, [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['always'] } }], [forward(pinned.green)]);
    await elb.rule(listenerArn, 20, [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['never'] } }], [forward(pinned.blue)]);
    const parameter = '/canaryfleet/fixture/traffic-state';
    await aws.ssm.send(new PutParameterCommand({ Name: parameter, Type: 'String', Value: serializeTrafficState(initialTrafficState(release('tiny-llm-v1'))) }));
    await elb.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'fixture-fleet', LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.large' } }));
    for (const colour of FLEET_COLOURS) {
      await aws.autoScaling.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: `fixture-${colour}`,
          LaunchTemplate: { LaunchTemplateName: 'fixture-fleet' },
          MinSize: 0,
          MaxSize: 3,
          DesiredCapacity: colour === 'blue' ? 1 : 0,
          VPCZoneIdentifier: elb.subnetIds.join(','),
          TargetGroupARNs: [weighted[colour], pinned[colour]],
        }),
      );
    }
    const outputs = parseEnvironmentOutputs(
      {
        traffic_listener_arn: listenerArn,
        target_group_arns: weighted,
        pinned_target_group_arns: pinned,
        asg_names: { blue: 'fixture-blue', green: 'fixture-green' },
        traffic_state_parameter: parameter,
        release_defaults: { modelArtifactUri: 's3://canaryfleet-fixture-models/models/' },
        routing_policy: { environment: 'fixture', stickinessSeconds: 300, header: { name: 'X-Canary', canaryValue: 'always' } },
        fleet_metrics: { namespace: 'CanaryFleet/Inference', periodSeconds: 10, slowRequestSeconds: 0.5 },
      },
      'fleet fixture',
    );
    return new FleetFixture(elb, outputs);
  }

  async trafficState(): Promise<TrafficState> {
    const value = (await this.elb.aws.ssm.send(new GetParameterCommand({ Name: this.outputs.traffic_state_parameter }))).Parameter?.Value ?? '';
    return parseTrafficState(value, this.outputs.traffic_state_parameter);
  }

  async writeTrafficState(state: TrafficState): Promise<void> {
    await this.elb.aws.ssm.send(new PutParameterCommand({ Name: this.outputs.traffic_state_parameter, Type: 'String', Overwrite: true, Value: serializeTrafficState(state) }));
  }

  async scale(colour: FleetColour, desired: number): Promise<void> {
    await this.elb.aws.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: this.outputs.asg_names[colour], DesiredCapacity: desired }));
  }

  stop(): Promise<void> {
    return this.elb.stop();
  }
}

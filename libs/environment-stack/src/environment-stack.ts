import { CanaryRouting } from '@canaryfleet/canary-routing';
import { FLEET_COLOURS, type EnvironmentConfig, type FleetColour } from '@canaryfleet/config';
import { InferenceFleet } from '@canaryfleet/inference-fleet';
import { Network } from '@canaryfleet/network';
import { AlarmTopic, FleetAlarms, FleetDashboard } from '@canaryfleet/observability';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { awsProvider } from './aws-provider';
import { useRemoteState } from './remote-state';

function byColour<T>(value: (colour: FleetColour) => T): Record<FleetColour, T> {
  return Object.fromEntries(FLEET_COLOURS.map((colour) => [colour, value(colour)])) as Record<FleetColour, T>;
}

/** Name of the one stack of every environment; also its state key's last part. */
export const ENVIRONMENT_STACK = 'inference';

/**
 * Everything one environment runs, in one stack and one state (docs/adr/0002-one-stack-per-environment.md).
 * Environments differ only in the config they pass.
 */
export class EnvironmentStack extends TerraformStack {
  readonly network: Network;
  readonly routing: CanaryRouting;
  readonly fleets: Record<FleetColour, InferenceFleet>;
  readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, readonly config: EnvironmentConfig) {
    super(scope, ENVIRONMENT_STACK);
    awsProvider(this, config);
    useRemoteState(this, config, ENVIRONMENT_STACK);

    const { routing } = config;
    const listenerPorts = routing.certificateArn === null ? [routing.httpPort] : [routing.httpPort, routing.httpsPort];
    this.network = new Network(this, 'network', {
      environment: config.name,
      region: config.region,
      vpcCidr: config.network.vpcCidr,
      azCount: config.network.azCount,
      natGateways: config.network.natGateways,
      flowLogRetentionDays: config.network.flowLogRetentionDays,
      listenerPorts,
      serverPort: config.server.port,
      localAws: config.localAws,
    });

    const publicSubnetIds = this.network.publicSubnets.map((subnet) => subnet.id);
    const privateSubnetIds = this.network.privateSubnets.map((subnet) => subnet.id);
    this.routing = new CanaryRouting(this, 'routing', {
      environment: config.name,
      vpcId: this.network.vpc.id,
      publicSubnetIds,
      securityGroupId: this.network.securityGroups.loadBalancer.id,
      certificateArn: routing.certificateArn ?? undefined,
      plainHttpReason: routing.plainHttpReason,
      production: config.tier === 'production',
      httpPort: routing.httpPort,
      httpsPort: routing.httpsPort,
      idleTimeoutSeconds: routing.idleTimeoutSeconds,
      deletionProtection: routing.deletionProtection,
      stickinessSeconds: routing.stickinessSeconds,
      serverPort: config.server.port,
      localAws: config.localAws,
      healthCheck: { path: config.server.healthPath, ...routing.healthCheck },
      slowStartSeconds: routing.slowStartSeconds,
      deregistrationDelaySeconds: routing.deregistrationDelaySeconds,
      loadBalancingAlgorithm: routing.loadBalancingAlgorithm,
      targetStickinessSeconds: routing.targetStickinessSeconds,
      headerOverride: routing.headerOverride,
      initialModelVersion: config.server.initialModelVersion,
      initialWeights: routing.initialWeights,
      accessLogBucketName: `canaryfleet-${config.name}-alb-logs-${config.account ?? config.region}`,
      accessLogRetentionDays: routing.accessLogRetentionDays,
      webAclArn: routing.webAclArn,
      forceDestroyLogs: config.localAws,
    });

    const trafficState = this.routing.trafficState;
    this.fleets = Object.fromEntries(
      FLEET_COLOURS.map((colour) => [
        colour,
        new InferenceFleet(this, `fleet-${colour}`, {
          environment: config.name,
          colour,
          // Revision 1 of the traffic state makes blue stable; roles swap later without Terraform.
          initialRole: colour === 'blue' ? 'stable' : 'canary',
          ...config.fleet,
          ...config.server,
          imdsHopLimit2Reason: config.server.imdsHopLimit2Reason,
          privateSubnetIds,
          securityGroupId: this.network.securityGroups.fleet.id,
          targetGroupArn: this.routing.targetGroups[colour].arn,
          trafficStateParameterName: trafficState.parameterName,
          trafficStateParameterArn: trafficState.parameter.arn,
          localAws: config.localAws,
        }),
      ]),
    ) as Record<FleetColour, InferenceFleet>;

    this.alarmTopic = new AlarmTopic(this, 'alarm-topic', { environment: config.name, email: config.alarms.email });
    const targetGroupArnSuffixes = { blue: this.routing.targetGroups.blue.arnSuffix, green: this.routing.targetGroups.green.arnSuffix };
    new FleetAlarms(this, 'alarms', {
      environment: config.name,
      loadBalancerArnSuffix: this.routing.loadBalancer.arnSuffix,
      targetGroupArnSuffixes,
      p99LatencySeconds: config.alarms.p99LatencySeconds,
      target5xxPercent: config.alarms.target5xxPercent,
      topicArn: this.alarmTopic.topic.arn,
    });
    new FleetDashboard(this, 'dashboard', {
      environment: config.name,
      region: config.region,
      loadBalancerArnSuffix: this.routing.loadBalancer.arnSuffix,
      targetGroupArnSuffixes,
      p99LatencySeconds: config.alarms.p99LatencySeconds,
      target5xxPercent: config.alarms.target5xxPercent,
    });

    this.addOutputs();
  }

  /** What the operator needs (issue 3 point 7); `terraform output -json` is its machine-readable form. */
  private addOutputs(): void {
    const output = (id: string, value: unknown, description: string) => new TerraformOutput(this, id, { value, description });
    const { routing } = this;
    output('vpc_id', this.network.vpc.id, 'VPC of the environment');
    output('private_subnet_ids', this.network.privateSubnets.map((s) => s.id), 'Subnets of the inference fleets');
    output('alb_dns_name', routing.loadBalancer.dnsName, 'DNS name of the load balancer');
    output('alb_arn', routing.loadBalancer.arn, 'ARN of the load balancer');
    output('traffic_listener_arn', routing.trafficListener.arn, 'Listener carrying the weighted forward and the header rules');
    output('header_rule_arns', { canary: routing.headerRules.canary.arn, stable: routing.headerRules.stable.arn }, 'Header override rules by the role they route to');
    output('target_group_arns', byColour((c) => routing.targetGroups[c].arn), 'Target group per fleet colour');
    output('asg_names', byColour((c) => this.fleets[c].autoScalingGroup.name), 'Auto Scaling group per fleet colour');
    output('traffic_state_parameter', routing.trafficState.parameterName, 'SSM parameter holding the traffic state');
    output('alarm_topic_arn', this.alarmTopic.topic.arn, 'SNS topic of the alarms');
  }
}

import { CanaryRouting } from '@canaryfleet/canary-routing';
import type { EnvironmentConfig } from '@canaryfleet/config';
import { ALB_METRICS, FLEET_METRICS } from '@canaryfleet/fleet-metrics';
import { amiSourceParameter, InferenceFleet, parseS3Uri } from '@canaryfleet/inference-fleet';
import { Network, ZoneOfferingCheck } from '@canaryfleet/network';
import { AlarmTopic, FleetAlarms, FleetDashboard } from '@canaryfleet/observability';
import { byColour, FLEET_COLOURS, type FleetColour } from '@canaryfleet/traffic-state';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformOutput, TerraformStack, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { awsProvider } from './aws-provider';
import { githubRoleName } from './github-roles';
import { OperatorPolicy } from './operator-policy';
import { useRemoteState } from './remote-state';
import { RolloutTable } from './rollout-table';

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
  readonly alarms: FleetAlarms;
  readonly rolloutTable: RolloutTable;
  readonly operatorPolicy: OperatorPolicy;
  /** The public parameter a release's AMI is resolved from (output `release_defaults`). */
  readonly amiSourceParameter: string;

  constructor(scope: Construct, readonly config: EnvironmentConfig) {
    super(scope, ENVIRONMENT_STACK);
    awsProvider(this, config);
    useRemoteState(this, config, ENVIRONMENT_STACK);
    const { routing, server } = config;
    const caller = new DataAwsCallerIdentity(this, 'caller', {});

    // Read at plan time: the first revision of the traffic state and both fleets' AMI parameters start from it.
    this.amiSourceParameter = amiSourceParameter(config.fleet.instanceType, config.fleet.amiParameter);
    const amiSource = new DataAwsSsmParameter(this, 'ami-source', { name: this.amiSourceParameter });
    amiSource.overrideLogicalId('ami_source');

    const listenerPorts = routing.certificateArn === null ? [routing.httpPort] : [routing.httpPort, routing.httpsPort];
    this.network = new Network(this, 'network', {
      environment: config.name,
      region: config.region,
      accountId: caller.accountId,
      vpcCidr: config.network.vpcCidr,
      availabilityZones: config.network.availabilityZones,
      natGateways: config.network.natGateways,
      interfaceEndpoints: config.network.interfaceEndpoints,
      flowLogRetentionDays: config.network.flowLogRetentionDays,
      listenerPorts,
      serverPort: server.port,
      pinnedPort: server.pinnedPort,
      localAws: config.localAws,
    });
    // Every zone must offer the fleets' instance type, or the plan stops naming the zone and the type.
    new ZoneOfferingCheck(this, 'zone-offerings', { environment: config.name, zones: this.network.zones.map((zone) => zone.zone), instanceTypes: [config.fleet.instanceType] });

    this.routing = new CanaryRouting(this, 'routing', {
      environment: config.name,
      vpcId: this.network.vpc.id,
      publicSubnetIds: this.network.publicSubnets.map((subnet) => subnet.id),
      securityGroupId: this.network.securityGroups.loadBalancer.id,
      certificateArn: routing.certificateArn ?? undefined,
      plainHttpReason: routing.plainHttpReason,
      production: config.tier === 'production',
      httpPort: routing.httpPort,
      httpsPort: routing.httpsPort,
      idleTimeoutSeconds: routing.idleTimeoutSeconds,
      deletionProtection: routing.deletionProtection,
      stickinessSeconds: routing.stickinessSeconds,
      serverPort: server.port,
      pinnedPort: server.pinnedPort,
      localAws: config.localAws,
      healthCheck: { path: server.healthPath, ...routing.healthCheck },
      slowStartSeconds: routing.slowStartSeconds,
      deregistrationDelaySeconds: routing.deregistrationDelaySeconds,
      loadBalancingAlgorithm: routing.loadBalancingAlgorithm,
      targetStickinessSeconds: routing.targetStickinessSeconds,
      headerOverride: routing.headerOverride,
      initialRelease: { modelVersion: server.initialModelVersion, serverImage: server.image, amiId: amiSource.insecureValue },
      accessLogBucketName: `canaryfleet-${config.name}-alb-logs-${config.account ?? config.region}`,
      accountId: caller.accountId,
      accessLogRetentionDays: routing.accessLogRetentionDays,
      webAclArn: routing.webAclArn,
      forceDestroyLogs: config.localAws,
    });

    const trafficState = this.routing.trafficState;
    this.fleets = byColour(
      (colour) =>
        new InferenceFleet(this, `fleet-${colour}`, {
          environment: config.name,
          colour,
          // Revision 1 of the traffic state makes blue stable; roles swap later without Terraform.
          initialRole: colour === 'blue' ? 'stable' : 'canary',
          ...config.fleet,
          initialAmiId: amiSource.insecureValue,
          imdsHopLimit2Reason: server.imdsHopLimit2Reason,
          privateSubnetIds: this.network.privateSubnets.map((subnet) => subnet.id),
          securityGroupId: this.network.securityGroups.fleet.id,
          targetGroupArn: this.routing.targetGroups[colour].arn,
          pinnedTargetGroupArn: this.routing.pinnedTargetGroups[colour].arn,
          trafficStateParameterName: trafficState.parameterName,
          trafficStateParameterArn: trafficState.parameter.arn,
          defaultServerImage: server.image,
          port: server.port,
          pinnedPort: server.pinnedPort,
          healthPath: server.healthPath,
          slowRequestSeconds: server.slowRequestSeconds,
          modelArtifactUri: server.modelArtifactUri,
          region: config.region,
          accountId: caller.accountId,
          localAws: config.localAws,
        }),
    );

    this.alarmTopic = new AlarmTopic(this, 'alarm-topic', { environment: config.name, region: config.region, email: config.alarms.email });
    const targetGroupArnSuffixes = byColour((colour) => this.routing.targetGroups[colour].arnSuffix);
    this.alarms = new FleetAlarms(this, 'alarms', {
      environment: config.name,
      loadBalancerArnSuffix: this.routing.loadBalancer.arnSuffix,
      targetGroupArnSuffixes,
      p99LatencySeconds: config.alarms.p99LatencySeconds,
      target5xxPercent: config.alarms.target5xxPercent,
      topicArn: this.alarmTopic.topic.arn,
      healthCheck: routing.healthCheck,
    });
    new FleetDashboard(this, 'dashboard', {
      environment: config.name,
      region: config.region,
      loadBalancerArnSuffix: this.routing.loadBalancer.arnSuffix,
      targetGroupArnSuffixes,
      p99LatencySeconds: config.alarms.p99LatencySeconds,
      target5xxPercent: config.alarms.target5xxPercent,
    });

    this.rolloutTable = new RolloutTable(this, 'rollout-table', { environment: config.name, accountId: caller.accountId, deletionProtection: !config.localAws });
    const artifacts = parseS3Uri(server.modelArtifactUri);
    const headerRules = this.routing.headerRules;
    this.operatorPolicy = new OperatorPolicy(this, 'operator-policy', {
      environment: config.name,
      region: config.region,
      parameterArns: [trafficState.parameter.arn, ...FLEET_COLOURS.map((colour) => this.fleets[colour].amiParameter.parameter.arn)],
      amiSourceParameter: this.amiSourceParameter,
      trafficListenerArn: this.routing.trafficListener.arn,
      headerRuleArns: headerRules ? [headerRules.canary.arn, headerRules.stable.arn] : [],
      autoScalingGroupArns: FLEET_COLOURS.map((colour) => this.fleets[colour].autoScalingGroup.arn),
      alarmArns: this.alarms.alarms.map((alarm) => alarm.arn),
      rolloutTableArn: this.rolloutTable.table.arn,
      rolloutTableKeyArn: this.rolloutTable.key.arn,
      alarmTopicArn: this.alarmTopic.topic.arn,
      alarmTopicKeyArn: this.alarmTopic.key.arn,
      modelArtifactBucket: artifacts.bucket,
      modelArtifactPrefix: artifacts.prefix,
    });
    if (config.github) {
      // The operator role of the workflows (created by the bootstrap app, ADR 0014) gets this policy here,
      // where the policy lives: the bootstrap runs before the policy exists.
      new IamRolePolicyAttachment(this, 'operator-role-policy', { role: githubRoleName(config.name, 'operator'), policyArn: this.operatorPolicy.policy.arn }).overrideLogicalId('operator_role_policy');
    }

    this.addOutputs();
  }

  /** What the operator, the plan review and the local data plane read (`nx run <env>:outputs`; BRIEF "environment outputs"). */
  private addOutputs(): void {
    const output = (id: string, value: unknown, description: string) => new TerraformOutput(this, id, { value, description });
    const { routing, config } = this;
    const headerRules = routing.headerRules;
    output('vpc_id', this.network.vpc.id, 'VPC of the environment');
    output('private_subnet_ids', this.network.privateSubnets.map((s) => s.id), 'Subnets of the inference fleets');
    output('alb_dns_name', routing.loadBalancer.dnsName, 'DNS name of the load balancer');
    output('alb_arn', routing.loadBalancer.arn, 'ARN of the load balancer');
    output('alb_arn_suffix', routing.loadBalancer.arnSuffix, 'app/<name>/<id>: the LoadBalancer dimension of its CloudWatch metrics');
    output('traffic_listener_arn', routing.trafficListener.arn, 'Listener whose default action the operator writes');
    output('header_rule_arns', headerRules ? { canary: headerRules.canary.arn, stable: headerRules.stable.arn } : Token.nullValue(), 'Header override rules by the role they route to; null without header-override networks');
    output('target_group_arns', byColour((c) => routing.targetGroups[c].arn), 'Weighted target group per fleet colour (judged traffic)');
    output('target_group_arn_suffixes', byColour((c) => routing.targetGroups[c].arnSuffix), 'targetgroup/<name>/<id> per fleet colour: the TargetGroup dimension of ALB metrics');
    output('pinned_target_group_arns', byColour((c) => routing.pinnedTargetGroups[c].arn), 'Pinned target group per fleet colour (header overrides, never judged)');
    output('server_ports', { weighted: config.server.port, pinned: config.server.pinnedPort }, 'Ports of the inference server behind the weighted and the pinned target groups');
    output('asg_names', byColour((c) => this.fleets[c].autoScalingGroup.name), 'Auto Scaling group per fleet colour');
    output('traffic_state_parameter', routing.trafficState.parameterName, 'SSM parameter holding the traffic state');
    output('fleet_ami_parameters', byColour((c) => this.fleets[c].amiParameter.parameterName), 'SSM parameter per fleet colour its launch template resolves its AMI from; the operator writes it when a release starts');
    output('release_defaults', { serverImage: config.server.image, amiSourceParameter: this.amiSourceParameter, modelArtifactUri: config.server.modelArtifactUri }, 'Defaults of the next release');
    output('routing_policy', routing.routingPolicy, 'RoutingPolicy of libs/traffic-state: what the operator renders listener actions with');
    output('fleet_capacity', { min: config.fleet.minCapacity, max: config.fleet.maxCapacity, initial: config.fleet.initialCapacity }, 'Capacity bounds of a fleet');
    output('alarm_names', this.alarms.fleetAlarmNames, 'Alarm name per fleet colour and kind');
    output('alarm_topic_arn', this.alarmTopic.topic.arn, 'SNS topic of the alarms and the operator notifications');
    output('rollout_table_name', this.rolloutTable.table.name, 'DynamoDB table of the operator lease and journal');
    output('operator_policy_arn', this.operatorPolicy.policy.arn, 'Customer managed policy with exactly the operator calls on this environment');
    output('fleet_metrics', { namespace: FLEET_METRICS.namespace, periodSeconds: FLEET_METRICS.periodSeconds, slowRequestSeconds: config.server.slowRequestSeconds }, 'What the fleets publish themselves');
    output(
      'alb_metrics_period_seconds',
      config.localDataPlane?.albMetricsPeriodSeconds ?? ALB_METRICS.periodSeconds,
      'Period of the per-target-group ALB metrics the judge reads: 60 on AWS, the local data plane its own',
    );
    output('deregistration_delay_seconds', config.routing.deregistrationDelaySeconds, 'Drain time of a target group');
  }
}

import type { MetricSources } from '@canaryfleet/rollout';
import { AlarmStates } from './alarm-states';
import type { AwsClients } from './aws-clients';
import { Fleets } from './fleets';
import { ListenerRouter } from './listener-router';
import { MetricReader } from './metric-reader';
import { Notifier } from './notifier';
import { routingOf, type OperatorEnvironment } from './operator-environment';
import { RolloutStore } from './rollout-store';
import { FleetAmiParameters, TrafficStateParameter } from './traffic-state-parameter';

/** Everything the controller reads and writes, one adapter per AWS service. */
export interface OperatorPorts {
  readonly trafficState: TrafficStateParameter;
  readonly amis: FleetAmiParameters;
  readonly router: ListenerRouter;
  readonly fleets: Fleets;
  readonly metrics: MetricReader;
  readonly alarms: AlarmStates;
  readonly store: RolloutStore;
  readonly notifier: Notifier | null;
}

/** Which metrics an environment can give the judge: the fleet's own when it publishes them. */
export function metricSourcesOf(environment: OperatorEnvironment): MetricSources {
  return { fleet: environment.outputs.fleet_metrics !== null, albSlowThresholdSeconds: null };
}

/** The adapters of an environment, from its outputs file and one set of clients. */
export function operatorPorts(environment: OperatorEnvironment, clients: AwsClients, sources: MetricSources = metricSourcesOf(environment), now?: () => Date): OperatorPorts {
  const { outputs } = environment;
  const routing = routingOf(environment);
  return {
    trafficState: new TrafficStateParameter(clients.ssm, outputs.traffic_state_parameter),
    amis: new FleetAmiParameters(clients.ssm, outputs.fleet_ami_parameters),
    router: new ListenerRouter(clients.elbv2, { listenerArn: outputs.traffic_listener_arn, headerRuleArns: outputs.header_rule_arns }),
    fleets: new Fleets(clients.autoScaling, clients.elbv2, { asgNames: outputs.asg_names, targetGroupArns: routing.targets.weighted }),
    metrics: new MetricReader(
      clients.cloudWatch,
      {
        environment: environment.name,
        loadBalancerSuffix: outputs.alb_arn_suffix,
        targetGroupSuffixes: outputs.target_group_arn_suffixes,
        albPeriodSeconds: outputs.alb_metrics_period_seconds,
        fleet: outputs.fleet_metrics ? { namespace: outputs.fleet_metrics.namespace, periodSeconds: outputs.fleet_metrics.periodSeconds } : null,
      },
      sources,
    ),
    alarms: new AlarmStates(clients.cloudWatch, Object.values(outputs.alarm_names).flatMap((byKind) => Object.values(byKind))),
    store: new RolloutStore(clients.documents, outputs.rollout_table_name, environment.name, now),
    notifier: new Notifier(clients.sns, outputs.alarm_topic_arn, environment.name),
  };
}

// The operator's AWS side: one adapter per service (AWS SDK v3, the same clients for AWS and for the
// local moto), the lease and journal in DynamoDB, and the controller that drives libs/rollout's
// reconcile step with them.
export { createAwsClients, destroyAwsClients, everyClient, isCredentialsError, type AwsClients, type AwsClientOptions } from './aws-clients';
export { operatorOutputsSchema, parseOperatorEnvironment, readOperatorEnvironment, routingOf, OutputsError, type OperatorOutputs, type OperatorEnvironment } from './operator-environment';
export { TrafficStateParameter, FleetAmiParameters } from './traffic-state-parameter';
export { ListenerRouter, type ListenerTargets } from './listener-router';
export { Fleets, type FleetNames } from './fleets';
export { MetricReader, metricQueries, toDatapoints, type MetricReaderTargets } from './metric-reader';
export { AlarmStates } from './alarm-states';
export { Notifier } from './notifier';
export { RolloutStore, ROLLOUT_TABLE_KEYS, LeaseHeldError, LeaseLostError, isMissingTable, type Lease, type LeaseView, type StoredRollout, type RolloutSummary } from './rollout-store';
export { operatorPorts, metricSourcesOf, type OperatorPorts } from './operator-ports';
export { RolloutController, CredentialsExpiredError, SYSTEM_CLOCK, type Clock, type ControllerOptions } from './controller';
export { buildRolloutSpec, WARMUP_ALARM_KINDS, type SpecInput } from './rollout-spec';
export { startRollout, resumeRollout, abortRollout, NoActiveRolloutError, DEFAULT_LEASE_SECONDS } from './rollout-session';
export { resolveRelease, artifactLocation, ReleaseError } from './release-preflight';
export { adoptLegacyTrafficState } from './legacy-adoption';

// The traffic contract of an environment (DESIGN.md #3): the document, its invariants, the transitions
// between its phases, and the listener actions each state renders to. Pure TypeScript, no AWS SDK.
export { FLEET_COLOURS, otherColour, byColour, type FleetColour } from './fleet-colour';
export { TrafficStateError, TransitionError } from './errors';
export { MIN_CANARY_PER_MILLE, MAX_CANARY_PER_MILLE, WEIGHT_SCALE, parseSharePercent, formatShare, albWeights } from './share';
export {
  SCHEMA_VERSION,
  PHASES,
  MODEL_VERSION,
  SERVER_IMAGE,
  AMI_ID,
  UTC_TIME,
  MESSAGES,
  DOCUMENT_FIELDS,
  releaseSchema,
  trafficStateSchema,
  storedTrafficStateSchema,
  trafficStateProblems,
  parseTrafficState,
  serializeTrafficState,
  canaryColour,
  InvalidTrafficStateError,
  type Release,
  type Phase,
  type TrafficState,
} from './document';
export { initialTrafficState } from './initial-state';
export {
  LEGACY_SCHEMA_VERSION,
  LEGACY_MESSAGES,
  LEGACY_DOCUMENT_FIELDS,
  legacyTrafficStateSchema,
  legacyTrafficStateProblems,
  adoptLegacyDocument,
  type LegacyTrafficState,
  type LegacyReleaseDefaults,
} from './legacy-document';
export { parseStoredTrafficState, storedTrafficStateProblems, type StoredTrafficState } from './stored-document';
export { parseProblem, type Problem } from './problem';
export { trafficStateChecks, trafficStateDocumentHcl, trafficStateShapeValidHcl, type TrafficStateCheck, type TrafficStateHclNames } from './terraform-checks';
export { startCanary, setCanaryShare, promote, rollBack, finish, type Writer } from './transitions';
export {
  MIN_STICKINESS_SECONDS,
  DEFAULT_STICKINESS_SECONDS,
  MAX_STICKINESS_SECONDS,
  renderListenerActions,
  listenerDifferences,
  canonicalAction,
  describeAction,
  targetGroupName,
  noCanaryMessage,
  type ElbAction,
  type ObservedAction,
  type ObservedListener,
  type RoutingTargets,
  type RoutingPolicy,
  type ListenerActions,
  type CanonicalAction,
} from './listener-actions';
export { RELEASE_JQ, RELEASE_FIELDS, trafficStateParameterName } from './user-data-contract';

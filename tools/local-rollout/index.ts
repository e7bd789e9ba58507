// Rollouts on the local environment (issue 10): the real `canary` CLI as a child process, client load
// for as long as a rollout lasts, and the options that shorten a rollout to minutes. Used by the
// end-to-end tests (apps/local/test/04..08), `local:demo` and `bench:rollout`.
export { runCanary, runCanaryAttached, CANARY_BIN, type CanaryProcess, type CanaryExit } from './src/canary-process';
export { startBackgroundLoad, type BackgroundLoad } from './src/background-load';
export { LOCAL_ROLLOUT_OPTIONS, LOCAL_STEPS, LOCAL_LOAD } from './src/local-rollout-options';
export { startRolloutStage, type RolloutStage } from './src/rollout-stage';
export { ApiCallCounter } from './src/api-call-counter';

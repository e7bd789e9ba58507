// Rollouts on the local environment (issue 10, ADR 0015): the real `canary` CLI as a child process, a
// deployed `local` made ready for rollouts (data plane, sticky client load), and the options that
// shorten a rollout to minutes. Used by the end-to-end tests (apps/local/test/04..06); `local:demo`
// (src/demo-main.ts) and `bench:rollout` (bench/rollout.ts) are its two entry points.
export { runCanary, type CanaryProcess, type CanaryExit } from './src/canary-process';
export { LOCAL_ROLLOUT_OPTIONS, LOCAL_STEPS, LOCAL_LOAD } from './src/local-rollout-options';
export { startRolloutStage, type RolloutStage } from './src/rollout-stage';
export { ApiCallCounter } from './src/api-call-counter';

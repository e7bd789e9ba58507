/**
 * `canary start` options that shorten a rollout on the local environment to minutes: 10 s intervals on
 * the data plane's 10 s ALB metrics, 20 s bakes, a 1 s tick and short limits. The code path and the API
 * calls are the production ones; only durations change. Used by the end-to-end tests, `local:demo` and
 * `bench:rollout`, so all three run the same rollout.
 */
export const LOCAL_ROLLOUT_OPTIONS: readonly string[] = [
  '--interval', '10s',
  '--bake', '20s',
  '--tick', '1s',
  '--lease', '10s',
  // The local load is far below what a real schedule is planned for: the judge decides anyway.
  '--allow-underpowered',
  ...[
    'metricsSettleSeconds=5s',
    'drainSeconds=5s',
    'fencedWriteWindowSeconds=5s',
    'verifyTimeoutSeconds=3s',
    'maxUnjudgedSeconds=120s',
    'healthyTimeoutSeconds=120s',
    // moto registers a new instance healthy at once; the data plane removes that registration within a
    // second (a few on a busy CI machine) and registers the instance again once its server serves
    // (docs/local-aws.md).
    'minHealthySeconds=5s',
    'metricsShortfallPauseSeconds=60s',
  ].flatMap((limit) => ['--limit', limit]),
];

/** The local schedule: two shares, the last one large enough for a fast promotion at local load. */
export const LOCAL_STEPS = '10,50';

/**
 * Client load during a local rollout: sticky clients with heavy-tailed rates, as `local:load` sends.
 * Enough clients that a 10 % weight binds about 19 of them to the canary (with 40, none at all 2 % of
 * the time), and enough requests that a healthy canary's 1 % errors promote it in a few minutes.
 */
export const LOCAL_LOAD = { clients: 200, requestsPerSecond: 300 } as const;

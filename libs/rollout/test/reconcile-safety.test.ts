import { canonicalAction, type ObservedListener } from '@canaryfleet/traffic-state';
import { reconcile } from '../src';
import { done, Driver, reasonSeen, stageIs, TARGETS, testSpec, World } from './world';

const stepStarted = (n: number) => (d: Driver) => d.events.filter((e) => e.reason === 'StepStarted').length >= n;

function expectSingleForwardToStable(world: World, stable: 'blue' | 'green' = 'blue') {
  expect(canonicalAction(world.listener.defaultActions[0])).toEqual({ type: 'forward', targets: [{ arn: TARGETS.weighted[stable], weight: 1 }], stickinessSeconds: null });
}

describe('rule 1: every move is journaled, written, then read back; not verified -> retry, then roll back', () => {
  test('a move is done only when the listener reads back equal to the rendered actions', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stageIs('warm-up'));
    world.lose.add('write-listener');
    driver.runUntil(reasonSeen('TrafficMoveStarted'), { every: 1, maxSeconds: 600 });
    driver.runUntil(reasonSeen('TrafficVerifyRetry'));
    // The traffic state says 1 %, the listener does not: no step has started.
    expect(world.trafficState.canaryPerMille).toBe(10);
    expect(driver.reasons()).not.toContain('StepStarted');
    const retry = driver.events.find((e) => e.reason === 'TrafficVerifyRetry');
    expect(retry?.message).toMatch(/listener \(default action: expected forward to cf-dev-blue 990, cf-dev-green 10, sticky 300 s, found forward to cf-dev-blue\)/);
  });

  test('a retried write that lands completes the move', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stageIs('warm-up'));
    world.lose.add('write-listener');
    driver.runUntil(reasonSeen('TrafficVerifyRetry'));
    world.lose.clear();
    driver.runUntil(stepStarted(1));
    expect(driver.record.trafficState?.canaryPerMille).toBe(10);
  });

  test('after the last attempt a forward move rolls back, and the rollback is verified', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stepStarted(1));
    world.lose.add('write-listener');
    driver.runUntil(reasonSeen('TrafficVerifyFailed'));
    expect(driver.record.outcome).toMatchObject({ kind: 'rolled-back', cause: 'TrafficVerifyFailed' });
    expect(driver.events.filter((e) => e.reason === 'TrafficVerifyRetry')).toHaveLength(2);
    world.lose.clear();
    driver.runUntil(done);
    expectSingleForwardToStable(world);
    expect(world.trafficState).toMatchObject({ phase: 'idle', stable: 'blue', releases: { green: null } });
  });

  test('the journal holds the intent before any write: actions come with the record that names them', () => {
    const world = new World();
    const driver = new Driver(world);
    const first = driver.tick();
    const write = first.actions.find((a) => a.type === 'write-traffic-state');
    expect(write && write.type === 'write-traffic-state' && first.record.move?.target).toEqual(write && write.type === 'write-traffic-state' ? write.state : 'missing');
    expect(first.actions.map((a) => a.type)).toEqual(['write-ami-parameter', 'write-traffic-state', 'write-listener']);
  });

  test("a fenced-out writer's late write lands after ours: the next read-back catches it and pauses", () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stepStarted(2));
    // The old lease holder's in-flight write of revision n+1 lands after this holder verified revision n.
    const ours = world.trafficState;
    world.trafficState = { ...ours, revision: ours.revision + 1, canaryPerMille: 250, updatedBy: 'canary-operator' };
    world.listener = world.rendered(world.trafficState);
    const result = driver.tick();
    expect(result.events.map((e) => e.reason)).toEqual(['TrafficStateChangedExternally', 'Paused']);
    expect(result.events[0].message).toContain('canaryPerMille: expected 50, found 250');
    expect(result.actions.filter((a) => a.type !== 'set-capacity')).toEqual([]);
  });
});

describe('rule 1: the window of a fenced-out writer', () => {
  test('a rollout reads back its last move for the whole window before it finishes, however short the drain', () => {
    const world = new World();
    const spec = testSpec({ limits: { ...testSpec().limits, drainSeconds: 30, fencedWriteWindowSeconds: 180 } });
    const driver = new Driver(world, spec);
    driver.runUntil(stepStarted(1));
    world.commands.push({ seq: 1, kind: 'abort', by: 'bob', reason: 'stop', at: '2026-11-29T12:02:00Z' });
    driver.runUntil(reasonSeen('RolledBack'));
    const rolledBack = Date.parse(driver.events.find((e) => e.reason === 'RolledBack')?.at ?? '');
    // The old holder's write of a canary share lands 120 s later, inside the window: caught and overwritten.
    world.advance(120);
    world.trafficState = { ...world.trafficState, revision: world.trafficState.revision + 1, phase: 'canary', canaryPerMille: 50 };
    world.listener = world.rendered(world.trafficState);
    driver.runUntil(done);
    expect(driver.reasons()).toContain('ExternalChangeOverwritten');
    const zero = world.applied.find((a) => a.action.type === 'set-capacity' && a.action.colour === 'green' && a.action.desired === 0 && a.at > rolledBack);
    expect(((zero?.at ?? 0) - rolledBack) / 1000).toBeGreaterThanOrEqual(180);
    expect(world.trafficState).toMatchObject({ phase: 'idle', stable: 'blue' });
    expectSingleForwardToStable(world);
  });
});

describe('rule 2: a listener changed behind the operator is never silently overwritten', () => {
  test('it pauses with an event naming what differs, and writes nothing', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stepStarted(2));
    const changed: ObservedListener = { ...world.listener, defaultActions: [{ Type: 'forward', TargetGroupArn: TARGETS.weighted.green }] };
    world.listener = changed;
    const result = driver.tick();
    expect(result.events.map((e) => e.reason)).toEqual(['ListenerChangedExternally', 'Paused']);
    expect(result.events[0].data?.differences).toEqual(['default action: expected forward to cf-dev-blue 950, cf-dev-green 50, sticky 300 s, found forward to cf-dev-green']);
    expect(result.actions.filter((a) => a.type === 'write-listener' || a.type === 'write-traffic-state')).toEqual([]);
    expect(driver.record.paused?.reason).toMatch(/^ListenerChangedExternally/);
    // Paused: later ticks neither move traffic nor pause again.
    world.advance(600);
    const later = driver.tick();
    expect(later.events.filter((e) => e.reason !== 'IntervalJudged').map((e) => e.reason)).toEqual([]);
    expect(world.listener).toBe(changed);
  });

  test('a traffic-state revision that went backwards (parameter recreated) pauses and says why', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stepStarted(1));
    world.trafficState = { ...world.trafficState, revision: 1 };
    const result = driver.tick();
    expect(result.events[0].reason).toBe('TrafficStateRevisionWentBackwards');
    expect(result.events[0].message).toMatch(/revision went backwards from 3 to 1: the parameter was recreated or restored/);
    expect(driver.record.paused).not.toBeNull();
  });

  test('abort during a pause overwrites the foreign change and leaves a single-group forward to stable', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stepStarted(2));
    world.listener = { ...world.listener, defaultActions: [{ Type: 'forward', TargetGroupArn: TARGETS.weighted.green }] };
    driver.tick();
    world.commands.push({ seq: 1, kind: 'abort', by: 'bob', reason: 'break glass', at: '2026-11-29T13:00:00Z' });
    driver.runUntil(done);
    expect(driver.record.outcome).toMatchObject({ kind: 'rolled-back', cause: 'AbortRequested', by: 'bob' });
    expectSingleForwardToStable(world);
  });
});

describe('rule 3: a canary alarm rolls back at once; warm-up alarms count only after the canary was healthy', () => {
  test('an unhealthy-hosts alarm while warming up is reported once and ignored', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stageIs('warm-up'));
    world.alarms['cf-dev-green-unhealthy-hosts'] = 'ALARM';
    driver.tick();
    driver.tick();
    expect(driver.reasons().filter((r) => r === 'WarmupAlarmIgnored')).toHaveLength(1);
    expect(driver.record.outcome).toBeNull();
  });

  test('the same alarm once the targets were healthy rolls back within the tick', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stepStarted(1));
    world.alarms['cf-dev-green-unhealthy-hosts'] = 'ALARM';
    const result = driver.tick();
    expect(result.events.map((e) => e.reason).slice(0, 2)).toEqual(['CanaryAlarm', 'TrafficMoveStarted']);
    expect(result.actions.find((a) => a.type === 'write-traffic-state')).toMatchObject({ state: { phase: 'rolled-back', canaryPerMille: 0 } });
    driver.runUntil(done);
    expectSingleForwardToStable(world);
  });

  test('an alarm of the stable fleet is not the canary’s', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stepStarted(1));
    world.alarms['cf-dev-blue-target-5xx'] = 'ALARM';
    driver.tick();
    expect(driver.record.outcome).toBeNull();
  });
});

describe('rule 4: too few canary metrics for the share -> no promotion; past a limit -> pause and notify', () => {
  test('a canary that publishes nothing is never promoted; the rollout pauses, then rolls back unjudged', () => {
    const world = new World();
    world.behaviour.green = { errorRate: 0.005, silent: true };
    const driver = new Driver(world);
    driver.runUntil((d) => d.record.outcome !== null || d.record.paused !== null);
    expect(driver.reasons()).toContain('MetricsShortfall');
    expect(driver.record.paused?.reason).toMatch(/^MetricsShortfall/);
    expect(driver.events.find((e) => e.reason === 'Paused')?.notify).toBe(true);
    driver.runUntil(done);
    expect(driver.record.outcome).toMatchObject({ kind: 'rolled-back', cause: 'UnjudgedTooLong' });
    expect(driver.reasons()).not.toContain('JudgePromote');
  });

  test('fleet metrics the judge expects that never arrive: no promotion, a pause, then a rollback', () => {
    const world = new World();
    const driver = new Driver(world, testSpec({ metricSources: { fleet: true, albSlowThresholdSeconds: null } }));
    driver.runUntil(done);
    const shortfall = driver.events.find((e) => e.reason === 'MetricsShortfall');
    expect(shortfall?.data?.silentMetrics).toEqual(['slow-requests', 'quality']);
    expect(driver.reasons()).toContain('Paused');
    expect(driver.reasons()).not.toContain('JudgePromote');
    expect(driver.record.outcome?.cause).toBe('UnjudgedTooLong');
  });

  test('empty canary minutes at 0.1 % with little traffic are normal', () => {
    const world = new World();
    world.requestsPerMinute = 600;
    const spec = testSpec({ schedule: { steps: [{ canaryPerMille: 1, minBakeSeconds: 300 }, { canaryPerMille: 500, minBakeSeconds: 60 }], intervalSeconds: 60 } });
    const driver = new Driver(world, spec);
    driver.runUntil(stepStarted(2));
    expect(driver.reasons()).not.toContain('MetricsShortfall');
  });
});

describe('the judge decides', () => {
  test('5x errors on the canary roll back', () => {
    const world = new World();
    world.behaviour.green = { errorRate: 0.025 };
    const driver = new Driver(world);
    driver.runUntil(done);
    expect(driver.record.outcome).toMatchObject({ kind: 'rolled-back', cause: 'JudgeRollback' });
    expect(world.trafficState).toMatchObject({ phase: 'idle', stable: 'blue', releases: { green: null } });
    expect(world.desired.green).toBe(0);
  });

  test('the last step ends only on the judge’s promote decision', () => {
    const world = new World();
    world.behaviour.green = { errorRate: 0.0075 };
    const driver = new Driver(world);
    driver.runUntil(stepStarted(4));
    driver.runUntil((d) => d.record.outcome !== null, { maxSeconds: 3 * 3600 });
    // A 1.5x canary is never shown non-inferior at margin 1.5: it waits, and is rolled back (evidence) or unjudged.
    expect(driver.record.outcome?.kind).toBe('rolled-back');
  });
});

describe('people', () => {
  test('promote --skip-analysis promotes at once, recording who and why', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stepStarted(1));
    world.commands.push({ seq: 1, kind: 'promote', by: 'carol', reason: 'hotfix, judged offline', at: '2026-11-29T12:05:00Z', skipAnalysis: true });
    driver.runUntil(done);
    expect(driver.record.outcome).toMatchObject({ kind: 'promoted', cause: 'PromotedWithoutAnalysis', by: 'carol' });
    expect(driver.record.outcome?.message).toContain('hotfix, judged offline');
    expect(world.trafficState.stable).toBe('green');
  });

  test('pause holds the step; resume continues it', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stepStarted(1));
    world.commands.push({ seq: 1, kind: 'pause', by: 'dan', reason: 'investigating', at: '2026-11-29T12:02:00Z' });
    driver.tick();
    world.advance(1800);
    driver.tick();
    expect(driver.reasons().filter((r) => r === 'StepStarted')).toHaveLength(1);
    world.commands.push({ seq: 2, kind: 'resume', by: 'dan', reason: 'fine', at: '2026-11-29T12:32:00Z' });
    driver.runUntil(done);
    expect(driver.record.outcome?.kind).toBe('promoted');
  });

  test('a traffic-state write by someone else during the promotion pauses it; resume promotes', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(reasonSeen('JudgePromote'), { every: 10 });
    expect(driver.record.move?.kind).toBe('promote');
    // Someone writes the last canary state back over the promotion, with a higher revision.
    const canaryState = driver.record.trafficState;
    if (!canaryState) throw new Error('no verified state');
    world.trafficState = { ...canaryState, revision: world.trafficState.revision + 5, updatedBy: 'someone' };
    world.listener = world.rendered(world.trafficState);
    driver.tick();
    expect(driver.record.paused?.reason).toMatch(/^TrafficStateChangedExternally/);
    world.commands.push({ seq: 1, kind: 'resume', by: 'erin', reason: 'checked', at: '2026-11-29T13:00:00Z' });
    driver.tick();
    expect(driver.record.move?.kind).toBe('promote');
    driver.runUntil(done);
    expect(world.trafficState).toMatchObject({ phase: 'idle', stable: 'green' });
  });

  test('commands are applied once, however often they are observed', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stepStarted(1));
    world.commands.push({ seq: 1, kind: 'pause', by: 'dan', reason: 'investigating', at: '2026-11-29T12:02:00Z' });
    driver.tick();
    const again = reconcile({ spec: driver.spec, record: driver.record, observations: world.observe(), judge: driver.judge });
    expect(again.events.map((e) => e.reason)).toEqual([]);
  });
});

describe('limits', () => {
  test('a canary that never gets healthy is rolled back after the health timeout', () => {
    const world = new World();
    world.bootSeconds = 100_000;
    const driver = new Driver(world);
    driver.runUntil(done);
    expect(driver.record.outcome).toMatchObject({ kind: 'rolled-back', cause: 'CanaryHealthTimeout' });
    expect(world.trafficState.phase).toBe('idle');
  });

  test('the canary never carries traffic unjudged past maxUnjudgedSeconds', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stepStarted(1));
    // The metrics pipeline stops entirely for the canary; baseline data keeps arriving.
    world.behaviour.green = { errorRate: 0, silent: true };
    driver.runUntil((d) => d.record.outcome !== null);
    const { lastEvidenceAt, anchor } = driver.record.judging;
    const lastEvidence = lastEvidenceAt ? Date.parse(lastEvidenceAt) : (anchor as number) * 1000;
    const rolledBack = Date.parse(driver.record.outcome?.at ?? '');
    expect(driver.record.outcome?.cause).toBe('UnjudgedTooLong');
    expect((rolledBack - lastEvidence) / 1000).toBeLessThanOrEqual(driver.spec.limits.maxUnjudgedSeconds + 10);
  });
});

describe('warm-up: a share only after every canary target stayed healthy for minHealthySeconds', () => {
  test('a target that passes its checks and then drops out restarts the clock; the share waits', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(stageIs('warm-up'));
    driver.runUntil(() => world.instances.green >= 1, { every: 1 });
    driver.runUntil(() => driver.record.capacity?.targetsHealthySince != null, { every: 1 });
    driver.runUntil(() => world.now >= Date.parse(driver.record.capacity?.targetsHealthySince as string) + 20_000, { every: 1 });
    expect(driver.reasons()).not.toContain('CanaryHealthy');
    world.healthyOverride.green = 0;
    driver.tick();
    expect(driver.record.capacity?.targetsHealthySince).toBeNull();
    world.healthyOverride = {};
    world.advance(1);
    driver.tick();
    const healthyAgainAt = Date.parse(driver.record.capacity?.targetsHealthySince as string);
    driver.runUntil(stepStarted(1), { every: 1 });
    const healthy = driver.events.find((e) => e.reason === 'CanaryHealthy');
    expect(Date.parse(healthy?.at as string) - healthyAgainAt).toBeGreaterThanOrEqual(driver.spec.limits.minHealthySeconds * 1000);
    expect(driver.spec.limits.minHealthySeconds).toBe(30);
  });
});

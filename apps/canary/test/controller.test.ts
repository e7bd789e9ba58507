import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { isoSeconds, type RolloutEvent } from '@canaryfleet/rollout';
import {
  abortRollout,
  buildRolloutSpec,
  CredentialsExpiredError,
  createAwsClients,
  LeaseLostError,
  operatorPorts,
  resumeRollout,
  startRollout,
  type AwsClients,
  type OperatorPorts,
} from '@canaryfleet/rollout-aws';
import { canonicalAction, listenerDifferences, otherColour, renderListenerActions } from '@canaryfleet/traffic-state';
import { LOCAL_REGION, requireIntegrationTools } from '@canaryfleet/tools';
import { SimulatedTraffic } from './simulation';
import { STABLE_RELEASE, startMotoWorld, type MotoWorld } from './moto-world';

const describeMoto = requireIntegrationTools('operator controller on moto') ? describe : describe.skip;
const SHORT = { metricsSettleSeconds: 60, verifyTimeoutSeconds: 5, maxUnjudgedSeconds: 600, healthyTimeoutSeconds: 120 };
const SCHEDULE = { steps: [{ canaryPerMille: 50, minBakeSeconds: 60 }, { canaryPerMille: 500, minBakeSeconds: 60 }], intervalSeconds: 60 };

/** An SDK middleware that makes chosen calls fail (moto cannot throttle or expire credentials). */
function injectFault(clients: AwsClients, fault: (command: string) => Error | undefined): void {
  for (const client of [clients.ssm, clients.elbv2, clients.autoScaling, clients.cloudWatch, clients.dynamoDb, clients.sns]) {
    (client.middlewareStack as { add: (m: unknown, o: unknown) => void }).add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName: string }) => async (args: unknown) => {
        const error = fault(context.commandName);
        if (error) throw error;
        return next(args);
      },
      // After the retry middleware (finalizeRequest, high priority), so each attempt meets the fault.
      { step: 'finalizeRequest', priority: 'low', name: 'injectFault' },
    );
  }
}

function serviceError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} (injected)`), { name, $fault: 'client', $metadata: { httpStatusCode: status, attempts: 1 } });
}

describeMoto('the controller on moto', () => {
  let world: MotoWorld;
  let counter = 0;
  beforeAll(async () => {
    world = await startMotoWorld();
  }, 120_000);
  afterAll(() => world?.stop());

  /** A rollout of a new model version onto whichever fleet is idle now (earlier tests may have promoted one). */
  async function setup(clients: AwsClients = world.clients) {
    const holder: { traffic?: SimulatedTraffic } = {};
    const ports = operatorPorts(world.environment, clients, undefined, () => holder.traffic?.now() ?? new Date());
    const traffic = new SimulatedTraffic(world, Math.floor(Date.now() / 60_000) * 60_000 + counter++ * 86_400_000);
    holder.traffic = traffic;
    const observed = await ports.trafficState.read();
    const stable = observed.kind === 'ok' ? observed.state.stable : 'blue';
    const canary = otherColour(stable);
    const release = { ...STABLE_RELEASE, modelVersion: `tiny-llm-r${counter}` };
    const spec = buildRolloutSpec(world.environment, { rolloutId: `r-moto-${counter}`, release, canary, schedule: SCHEDULE, startedBy: 'alice', startedAt: isoSeconds(traffic.now()), limits: SHORT });
    return { ports, traffic, spec, stable, canary };
  }

  async function expectIdleOn(ports: OperatorPorts, stable: 'blue' | 'green') {
    const state = await ports.trafficState.read();
    expect(state.kind === 'ok' && [state.state.phase, state.state.stable]).toEqual(['idle', stable]);
    const listener = await ports.router.read();
    expect(canonicalAction(listener.defaultActions[0])).toEqual({ type: 'forward', targets: [{ arn: world.environment.outputs.target_group_arns[stable], weight: 1 }], stickinessSeconds: null });
    expect(listener.canaryHeaderActions?.[0].Type).toBe('fixed-response');
  }

  test('a healthy canary is promoted: stable pointer flipped, single-group forward, old fleet at zero, journal complete', async () => {
    const { ports, traffic, spec } = await setup();
    expect(spec.canary).toBe('green');
    const events: RolloutEvent[] = [];
    const controller = await startRollout(ports, spec, 'alice@test', traffic, { onEvent: (e) => events.push(e) });
    await controller.run();
    await expectIdleOn(ports, 'green');
    const groups = (await world.clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: Object.values(world.environment.outputs.asg_names) }))).AutoScalingGroups ?? [];
    expect(groups.map((g) => [g.AutoScalingGroupName, g.DesiredCapacity, g.MinSize]).sort()).toEqual([
      ['cf-dev-blue', 0, 0],
      ['cf-dev-green', 2, 2],
    ]);
    expect(await ports.amis.read('green')).toBe(spec.release.amiId);
    expect((await ports.store.events(spec.rolloutId)).map((e) => e.reason)).toEqual(events.map((e) => e.reason));
    expect(events.filter((e) => e.reason === 'StepStarted').map((e) => e.canaryPerMille)).toEqual([50, 500]);
    expect(await ports.store.activeRollout()).toBeNull();
    expect((await ports.store.intervals(spec.rolloutId)).length).toBeGreaterThan(2);
  }, 120_000);

  test('rule 6: throttling retries in the SDK (adaptive mode) and the rollout goes on', async () => {
    const clients = createAwsClients({ region: LOCAL_REGION, endpoint: world.aws.endpoint, maxAttempts: 4, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    let modifyCalls = 0;
    injectFault(clients, (command) => (command === 'ModifyListenerCommand' && ++modifyCalls <= 2 ? serviceError('ThrottlingException', 400) : undefined));
    const { ports, traffic, spec, canary } = await setup(clients);
    const controller = await startRollout(ports, spec, 'alice@test', traffic);
    await controller.run();
    // The first listener write met two throttles and went through on the third attempt, within one step.
    expect(modifyCalls).toBeGreaterThanOrEqual(3);
    expect((await ports.store.events(spec.rolloutId)).filter((e) => e.reason === 'TrafficVerifyRetry')).toEqual([]);
    expect(controller.record.outcome?.kind).toBe('promoted');
    await expectIdleOn(ports, canary);
    for (const client of Object.values(clients)) client.destroy();
  }, 180_000);

  test('rule 6: expired credentials stop a consistent rollout; resume with fresh ones finishes it without repeating a step', async () => {
    const clients = createAwsClients({ region: LOCAL_REGION, endpoint: world.aws.endpoint, maxAttempts: 4, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    let expired = false;
    injectFault(clients, (command) => (expired || (command === 'ModifyListenerCommand' && (expired = true)) ? serviceError('ExpiredTokenException', 400) : undefined));
    const { ports, traffic, spec, canary } = await setup(clients);
    const first = await startRollout(ports, spec, 'ci-run-1', traffic);
    const failure = await first.run().catch((error: Error) => error);
    expect(failure).toBeInstanceOf(CredentialsExpiredError);
    // The journal holds the move it committed before the listener write failed.
    const fresh = operatorPorts(world.environment, world.clients, undefined, () => traffic.now());
    const journaled = await fresh.store.load(spec.rolloutId);
    expect(journaled?.record.move?.kind).toBe('release');
    await expect(resumeRollout(fresh, 'watchdog', traffic)).rejects.toThrow(/while its holder's lease runs/);
    await traffic.advance(121);
    const events: RolloutEvent[] = [];
    const resumed = await resumeRollout(fresh, 'watchdog', traffic, { onEvent: (e) => events.push(e) });
    await resumed.run();
    const all = await fresh.store.events(spec.rolloutId);
    expect(all.filter((e) => e.reason === 'StepStarted').map((e) => e.canaryPerMille)).toEqual([50, 500]);
    expect(all.filter((e) => e.reason === 'RolloutStarted')).toHaveLength(1);
    await expectIdleOn(fresh, canary);
    for (const client of Object.values(clients)) client.destroy();
  }, 180_000);

  test('rule 2: a listener changed through the API pauses the rollout with the difference; nothing is overwritten', async () => {
    const { ports, traffic, spec, stable, canary } = await setup();
    const controller = await startRollout(ports, spec, 'alice@test', traffic);
    while (controller.record.stage !== 'step') await controller.tick().then(() => traffic.advance(5));
    const { outputs } = world.environment;
    await world.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: outputs.traffic_listener_arn, DefaultActions: [{ Type: 'forward', TargetGroupArn: outputs.target_group_arns[stable] }] }));
    const result = await controller.tick();
    expect(result.events.map((e) => e.reason)).toEqual(['ListenerChangedExternally', 'Paused']);
    expect(result.events[0].message).toContain(`found forward to cf-dev-${stable}`);
    expect(result.events[0].message).toMatch(/default action: expected forward to cf-dev-\w+ \d+, cf-dev-\w+ \d+, sticky 300 s/);
    const after = await ports.router.read();
    expect(canonicalAction(after.defaultActions[0])).toMatchObject({ targets: [{ arn: outputs.target_group_arns[stable] }] });
    expect(spec.canary).toBe(canary);
    // Break glass from another process: abort takes the lease and rolls back, verified by read-back.
    const aborter = await abortRollout(operatorPorts(world.environment, world.clients, undefined, () => traffic.now()), 'bob@laptop', 'listener was touched', traffic);
    await aborter.run();
    await expectIdleOn(ports, stable);
    await expect(controller.tick()).rejects.toThrow(LeaseLostError);
  }, 120_000);

  test("rule 1: a fenced-out writer's in-flight write lands after the abort; the next read-back catches it and the rollback is re-asserted", async () => {
    const clients = createAwsClients({ region: LOCAL_REGION, endpoint: world.aws.endpoint, maxAttempts: 4, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const { ports, traffic, spec, stable } = await setup(clients);
    const stale = await startRollout(ports, spec, 'old-holder', traffic);
    while (stale.record.stage !== 'step') await stale.tick().then(() => traffic.advance(5));
    // Hold the old holder's next traffic-state write in flight until the abort has rolled back.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    (clients.ssm.middlewareStack as { add: (m: unknown, o: unknown) => void }).add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName: string }) => async (args: unknown) => {
        if (context.commandName === 'PutParameterCommand' && !holding) {
          holding = true;
          await gate;
        }
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'holdInFlight' },
    );
    // The old holder ticks until it decides its next traffic move: its journal write passes (it still
    // holds the lease), its SSM write hangs in flight.
    let inFlight: Promise<unknown> | undefined;
    for (let i = 0; i < 40 && !inFlight; i++) {
      const pending = stale.tick();
      const outcome = await new Promise<'held' | 'done'>((resolve) => {
        const timer = setInterval(() => holding && resolve('held'), 20);
        pending.then(
          () => resolve('done'),
          () => resolve('done'),
        );
        pending.finally(() => clearInterval(timer)).catch(() => undefined);
      });
      if (outcome === 'held') inFlight = pending;
      else await traffic.advance(30);
    }
    expect(holding).toBe(true);
    const fresh = operatorPorts(world.environment, world.clients, undefined, () => traffic.now());
    const aborter = await abortRollout(fresh, 'carol@laptop', 'stop it', traffic);
    const events: string[] = [];
    await aborter.tick().then((r) => events.push(...r.events.map((e) => e.reason)));
    await aborter.tick().then((r) => events.push(...r.events.map((e) => e.reason)));
    expect(events).toContain('TrafficVerified');
    // The old write lands now, after the rollback: the window ADR 0012 documents.
    release();
    await expect(inFlight).rejects.toThrow(LeaseLostError);
    const landed = await fresh.trafficState.read();
    expect(landed.kind === 'ok' && landed.state.phase).toBe('canary');
    const next = await aborter.tick();
    expect(next.events.map((e) => e.reason)).toContain('ExternalChangeOverwritten');
    await aborter.run();
    await expectIdleOn(fresh, stable);
    const listener = await fresh.router.read();
    const state = await fresh.trafficState.read();
    expect(state.kind === 'ok' && listenerDifferences(renderListenerActions(state.state, { weighted: world.environment.outputs.target_group_arns, pinned: world.environment.outputs.pinned_target_group_arns }, world.environment.outputs.routing_policy), listener)).toEqual([]);
    for (const client of Object.values(clients)) client.destroy();
  }, 120_000);

  test('rule 3: a canary alarm in ALARM rolls back within one step, verified on the listener', async () => {
    const { ports, traffic, spec, stable, canary } = await setup();
    const controller = await startRollout(ports, spec, 'alice@test', traffic);
    while (controller.record.stage !== 'step') await controller.tick().then(() => traffic.advance(5));
    const alarm = world.environment.outputs.alarm_names[canary].target_5xx;
    await world.clients.cloudWatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'test: canary 5xx' }));
    const result = await controller.tick();
    expect(result.events.map((e) => e.reason).slice(0, 2)).toEqual(['CanaryAlarm', 'TrafficMoveStarted']);
    await controller.tick();
    expect(controller.record.outcome).toMatchObject({ kind: 'rolled-back', cause: 'CanaryAlarm' });
    expect(controller.record.stage).toBe('drain');
    const listener = await ports.router.read();
    expect(canonicalAction(listener.defaultActions[0])).toEqual({ type: 'forward', targets: [{ arn: world.environment.outputs.target_group_arns[stable], weight: 1 }], stickinessSeconds: null });
    await world.clients.cloudWatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'OK', StateReason: 'test' }));
    await controller.run();
    await expectIdleOn(ports, stable);
  }, 120_000);
});

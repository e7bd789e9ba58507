import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { initialTrafficState, listenerDifferences, renderListenerActions, setCanaryShare, startCanary } from '@canaryfleet/traffic-state';
import { DEFAULT_SCHEDULE, initialRecord } from '@canaryfleet/rollout';
import { buildRolloutSpec, LeaseHeldError, LeaseLostError, operatorPorts, routingOf, type OperatorPorts } from '@canaryfleet/rollout-aws';
import { requireIntegrationTools } from '@canaryfleet/tools';
import { ENVIRONMENT, STABLE_RELEASE, startMotoWorld, type MotoWorld } from './moto-world';

const describeMoto = requireIntegrationTools('operator adapters on moto') ? describe : describe.skip;
const writer = { at: new Date('2026-11-29T12:00:00Z'), by: 'test' };
const V2 = { ...STABLE_RELEASE, modelVersion: 'tiny-llm-v2' };

describeMoto('AWS adapters against moto', () => {
  let world: MotoWorld;
  let ports: OperatorPorts;
  let clock = Date.parse('2026-11-29T12:00:00Z');
  beforeAll(async () => {
    world = await startMotoWorld();
    ports = operatorPorts(world.environment, world.clients, undefined, () => new Date(clock));
  }, 120_000);
  afterAll(() => world?.stop());

  test('traffic state: read, write, read back; a missing or invalid document is named', async () => {
    const read = await ports.trafficState.read();
    expect(read).toEqual({ kind: 'ok', state: initialTrafficState(STABLE_RELEASE) });
    const next = startCanary(initialTrafficState(STABLE_RELEASE), { release: V2, rolloutId: 'r-1' }, writer);
    await ports.trafficState.write(next);
    expect(await ports.trafficState.read()).toEqual({ kind: 'ok', state: next });
    await world.clients.ssm.send(new PutParameterCommand({ Name: ports.trafficState.name, Value: '{"stable":"Blue"}', Type: 'String', Overwrite: true }));
    const invalid = await ports.trafficState.read();
    expect(invalid.kind === 'invalid' && invalid.problems).toContain('stable = "Blue": must be "blue" or "green"');
    await ports.trafficState.write(initialTrafficState(STABLE_RELEASE));
  });

  test('router: every rendered state reads back equal to what was written', async () => {
    const { targets, policy } = routingOf(world.environment);
    let state = startCanary(initialTrafficState(STABLE_RELEASE), { release: V2, rolloutId: 'r-1' }, writer);
    for (const share of [1, 50, 500, 999]) {
      state = setCanaryShare(state, share, writer);
      const rendered = renderListenerActions(state, targets, policy);
      const readBack = await ports.router.write(rendered);
      expect([share, listenerDifferences(rendered, readBack)]).toEqual([share, []]);
    }
    const idle = renderListenerActions(initialTrafficState(STABLE_RELEASE), targets, policy);
    expect(listenerDifferences(idle, await ports.router.write(idle))).toEqual([]);
  });

  test('router: a change made through the API behind the operator shows in the read-back', async () => {
    const { targets, policy } = routingOf(world.environment);
    const idle = renderListenerActions(initialTrafficState(STABLE_RELEASE), targets, policy);
    await world.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: world.environment.outputs.traffic_listener_arn, DefaultActions: [{ Type: 'forward', TargetGroupArn: targets.weighted.green }] }));
    expect(listenerDifferences(idle, await ports.router.read())).toEqual([expect.stringMatching(/^default action: expected forward to cf-dev-blue, found forward to cf-dev-green$/)]);
    await ports.router.write(idle);
  });

  test('fleets: capacity and floor are set, instances register, the SDK waiter sees them in service', async () => {
    await ports.fleets.setCapacity('green', 2, 0);
    const capacity = await ports.fleets.capacity();
    expect(capacity.green).toEqual({ desired: 2, minSize: 0, instances: 2, inService: 2 });
    expect(capacity.blue).toMatchObject({ desired: 2, minSize: 2 });
    expect((await ports.fleets.targetHealth()).green.healthy).toBe(2);
    expect(await ports.fleets.waitUntilHealthy('green', 10)).toBe(true);
    await ports.fleets.setCapacity('green', 0, 0);
    expect((await ports.fleets.capacity()).green).toMatchObject({ desired: 0, instances: 0 });
  });

  test('the canary fleet AMI parameter is written', async () => {
    await ports.amis.write('green', 'ami-0fedcba9876543210');
    expect(await ports.amis.read('green')).toBe('ami-0fedcba9876543210');
  });

  test('alarms: states as CloudWatch reports them', async () => {
    const name = world.environment.outputs.alarm_names.green.target_5xx;
    await world.clients.cloudWatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'test' }));
    const states = await ports.alarms.read();
    expect(states).toHaveLength(4);
    expect(states.find((a) => a.name === name)?.state).toBe('ALARM');
    await world.clients.cloudWatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'OK', StateReason: 'test' }));
  });

  test('notifications reach the topic', async () => {
    await expect(ports.notifier?.publish({ at: '2026-11-29T12:00:00Z', rolloutId: 'r-1', reason: 'RolloutStarted', severity: 'info', message: 'started', step: -1, canaryPerMille: 0, notify: true })).resolves.toBeUndefined();
  });

  describe('rule 5: one writer per environment (lease with a fencing token)', () => {
    test('a second start is refused, naming the holder and since when', async () => {
      const first = await ports.store.acquireForStart('r-a', 'alice@ci', 60);
      expect(first.token).toBe(1);
      const refusal = ports.store.acquireForStart('r-b', 'bob@laptop', 60);
      await expect(refusal).rejects.toThrow(LeaseHeldError);
      await expect(ports.store.acquireForStart('r-b', 'bob@laptop', 60)).rejects.toThrow(`${ENVIRONMENT}: cannot start rollout r-b: rollout r-a runs here, held by alice@ci since 2026-11-29T12:00:00Z`);
      await ports.store.release(first);
    });

    test('resume waits for the lease to run out; abort takes it at once with a higher token; the old holder is fenced out', async () => {
      const holder = await ports.store.acquireForStart('r-c', 'alice@ci', 60);
      const spec = buildRolloutSpec(world.environment, { rolloutId: 'r-c', release: V2, canary: 'green', schedule: DEFAULT_SCHEDULE, startedBy: 'alice', startedAt: '2026-11-29T12:00:00Z' });
      const stored = await ports.store.create(holder, spec, initialRecord('r-c'));
      await expect(ports.store.takeOverExpired('r-c', 'watchdog', 60)).rejects.toThrow(/cannot resume rollout r-c while its holder's lease runs/);
      const aborter = await ports.store.takeOverForAbort('r-c', 'carol@laptop', 60);
      expect(aborter.token).toBe(holder.token + 1);
      // The old holder's next journal write is refused and writes nothing.
      await expect(ports.store.commit(holder, stored, { record: { ...stored.record, stage: 'warm-up' }, events: [], intervals: [] })).rejects.toThrow(LeaseLostError);
      expect((await ports.store.load('r-c'))?.record.stage).toBe('release');
      await expect(ports.store.renew(holder, 60)).rejects.toThrow(LeaseLostError);
      clock += 61_000;
      const resumer = await ports.store.takeOverExpired('r-c', 'watchdog', 60);
      expect(resumer.token).toBe(aborter.token + 1);
      await ports.store.release(resumer);
      expect(await ports.store.activeRollout()).toBeNull();
    });

    test('commands are appended by anyone and read in order', async () => {
      await ports.store.appendCommand('r-d', { kind: 'pause', by: 'dan', reason: 'look' });
      await ports.store.appendCommand('r-d', { kind: 'promote', by: 'erin', reason: 'ok', skipAnalysis: true });
      expect((await ports.store.commands('r-d', 1)).map((c) => [c.seq, c.kind, c.skipAnalysis])).toEqual([[2, 'promote', true]]);
    });
  });
});

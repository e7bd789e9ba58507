import { canonicalAction } from '@canaryfleet/traffic-state';
import { reconcile } from '../src';
import { done, Driver, reasonSeen, TARGETS, World } from './world';

describe('a healthy canary is promoted step by step', () => {
  const world = new World();
  const driver = new Driver(world);
  driver.runUntil(done);

  test('every step starts, in order, then the judge promotes and the rollout finishes idle', () => {
    const steps = driver.events.filter((e) => e.reason === 'StepStarted').map((e) => e.data?.canaryPerMille);
    expect(steps).toEqual([10, 50, 250, 500]);
    const order = ['RolloutStarted', 'ReleaseWritten', 'CanaryHealthy', 'JudgePromote', 'Promoted', 'Draining', 'FleetScaledToZero', 'Finished'];
    const reasons = driver.reasons();
    expect(order.map((reason) => reasons.indexOf(reason)).every((index, i, all) => index >= 0 && (i === 0 || index > all[i - 1]))).toBe(true);
    expect(driver.record.outcome?.kind).toBe('promoted');
    expect(world.trafficState).toMatchObject({ phase: 'idle', stable: 'green', canaryPerMille: 0, rolloutId: null, releases: { blue: null, green: { modelVersion: 'tiny-llm-v2' } } });
  });

  test('the listener ends as a single-group forward to the new stable fleet', () => {
    expect(canonicalAction(world.listener.defaultActions[0])).toEqual({ type: 'forward', targets: [{ arn: TARGETS.weighted.green, weight: 1 }], stickinessSeconds: null });
  });

  test('the release writes the canary fleet AMI parameter before the traffic state', () => {
    const kinds = world.applied.map((a) => a.action.type);
    expect(kinds.indexOf('write-ami-parameter')).toBeLessThan(kinds.indexOf('write-traffic-state'));
    expect(world.amiParameters.green).toBe('ami-0123456789abcdef0');
  });

  test('capacity rises before the share does, and the canary has the stable capacity before the last step', () => {
    const writes = world.applied.filter((a) => a.action.type === 'write-traffic-state').map((a) => ({ at: a.at, share: a.action.type === 'write-traffic-state' ? a.action.state.canaryPerMille : 0 }));
    const scaleUps = world.applied.filter((a) => a.action.type === 'set-capacity' && a.action.colour === 'green' && a.action.desired > 0);
    for (const write of writes.filter((w) => w.share > 0)) {
      // Some scale-up came before every share increase.
      expect(scaleUps.some((s) => s.at < write.at)).toBe(true);
    }
    const lastStepWrite = writes.find((w) => w.share === 500);
    const fullCapacity = scaleUps.find((s) => s.action.type === 'set-capacity' && s.action.desired === 4);
    expect(fullCapacity && lastStepWrite && fullCapacity.at < lastStepWrite.at).toBe(true);
  });

  test('no canary instance is requested after the analysis that promoted it', () => {
    const promotedAt = Date.parse(driver.events.find((e) => e.reason === 'JudgePromote')?.at ?? '');
    const requests = world.applied.flatMap((a) => (a.action.type === 'set-capacity' && a.action.colour === 'green' ? [{ at: a.at, desired: a.action.desired }] : []));
    const before = Math.max(...requests.filter((r) => r.at < promotedAt).map((r) => r.desired));
    expect(before).toBe(4);
    expect(requests.filter((r) => r.at >= promotedAt && r.desired > before)).toEqual([]);
  });

  test('the promoted fleet keeps the stable floor; the old one has none', () => {
    expect(world.minSize).toEqual({ green: 2, blue: 0 });
  });

  test('the old stable fleet scales to zero only after the deregistration delay', () => {
    const promoted = Date.parse(driver.events.find((e) => e.reason === 'Promoted')?.at ?? '');
    const zero = world.applied.find((a) => a.action.type === 'set-capacity' && a.action.colour === 'blue' && a.action.desired === 0);
    expect(zero).toBeDefined();
    expect(((zero?.at ?? 0) - promoted) / 1000).toBeGreaterThanOrEqual(300);
  });

  test('every step is announced on the SNS topic, as are the start, the promotion and the finish', () => {
    expect(driver.events.filter((e) => e.notify).map((e) => e.reason)).toEqual(['RolloutStarted', 'StepStarted', 'StepStarted', 'StepStarted', 'StepStarted', 'Promoted', 'Finished']);
  });

  test('a finished rollout does nothing more', () => {
    const result = reconcile({ spec: driver.spec, record: driver.record, observations: world.observe(), judge: driver.judge });
    expect([result.actions, result.events, result.record]).toEqual([[], [], driver.record]);
  });
});

describe('level-triggered and idempotent', () => {
  test('the same observations twice: the second step does nothing', () => {
    const world = new World();
    const driver = new Driver(world);
    const checkpoints = ['ReleaseWritten', 'StepStarted', 'Promoted', 'FleetScaledToZero'];
    for (const checkpoint of checkpoints) {
      driver.runUntil(reasonSeen(checkpoint));
      const observations = world.observe();
      const first = reconcile({ spec: driver.spec, record: driver.record, observations, judge: driver.judge });
      const second = reconcile({ spec: driver.spec, record: first.record, observations, judge: driver.judge });
      // Actions of the first are not applied: the world is as observed, so the second must not repeat them.
      expect([checkpoint, second.events.map((e) => e.reason), second.actions.filter((a) => a.type !== 'set-capacity')]).toEqual([checkpoint, [], []]);
    }
  });

  test('a crash after any step costs nothing but a resume: no step is repeated', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil((d) => d.events.filter((e) => e.reason === 'StepStarted').length === 2);
    driver.world.advance(30);
    driver.restart();
    driver.runUntil(done);
    expect(driver.events.filter((e) => e.reason === 'StepStarted').map((e) => e.data?.canaryPerMille)).toEqual([10, 50, 250, 500]);
    expect(driver.record.outcome?.kind).toBe('promoted');
  });

  test('a judge rebuilt from the journal decides exactly as the one that ran', () => {
    const world = new World();
    const driver = new Driver(world);
    driver.runUntil(done);
    driver.restart();
    const replayed = driver.judge;
    expect(driver.journal.length).toBeGreaterThan(5);
    // The replayed judge continues where the journal ended: feeding the last interval again is refused (t must grow).
    expect(() => replayed.observe(driver.journal[driver.journal.length - 1].observation)).toThrow(/must be greater than the previous interval/);
  });
});

import { ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { otherColour } from '@canaryfleet/traffic-state';
import { attachSharedDeployment, type LocalEnvironment } from '@canaryfleet/tools';
import { TAKEOVER_TIMING, useRolloutWorld } from './rollout-fixture';

// Faults around a running rollout, with the real CLI on the data plane: a listener changed behind the
// operator's back, a break-glass abort during a step, and two starts racing (a killed process resumed
// from the journal is 04's). Each test leaves the deployment idle.
const shared = attachSharedDeployment();
const describeIntegration = shared ? describe : describe.skip;

describeIntegration('a rollout on the local data plane: faults', () => {
  const world = useRolloutWorld(shared as LocalEnvironment);

  async function expectIdleOn(stable: 'blue' | 'green') {
    const state = await world().trafficState();
    expect([state.phase, state.stable]).toEqual(['idle', stable]);
    await world().expectSingleGroupForward(stable);
    expect(await world().ports.store.activeRollout()).toBeNull();
  }

  test('a listener changed behind the rollout pauses it with what differs, never overwritten; abort then rolls back', async () => {
    const { stable } = await world().trafficState();
    const canary = otherColour(stable);
    const run = world().start(await world().healthyModel());
    await run.waitFor('StepStarted', 300_000);
    const foreign = { Type: 'forward' as const, ForwardConfig: { TargetGroups: [{ TargetGroupArn: world().outputs.target_group_arns[stable], Weight: 1 }, { TargetGroupArn: world().outputs.target_group_arns[canary], Weight: 1 }] } };
    await world().clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: world().outputs.traffic_listener_arn, DefaultActions: [foreign] }));

    const changed = await run.waitFor('ListenerChangedExternally', 60_000);
    expect(JSON.stringify(changed.data)).toMatch(/default action: expected forward to cf-local-blue (100|900), cf-local-green (100|900), sticky \d+ s, found forward to cf-local-blue 1, cf-local-green 1/);
    await run.waitFor('Paused', 60_000);
    // Several ticks later the foreign change is still there: a paused rollout writes nothing.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const observed = await world().ports.router.read();
    expect(observed.defaultActions[0].ForwardConfig?.TargetGroups?.map((g) => g.Weight)).toEqual([1, 1]);

    const abort = world().canary('abort', ['--reason', 'the listener was changed by hand', ...TAKEOVER_TIMING]);
    await abort.waitFor('RolledBack', 120_000);
    expect(await abort.exited).toEqual({ code: 0, signal: null });
    expect(abort.events.map((e) => e.reason)).toContain('ExternalChangeOverwritten');
    await run.exited;
    await expectIdleOn(stable);
  }, 900_000);

  test('abort during a step takes the lease from the running process and leaves a single-group forward to stable, read back; the canary gets nothing after', async () => {
    const { stable } = await world().trafficState();
    const canary = otherColour(stable);
    const run = world().start(await world().healthyModel());
    await run.waitFor('StepStarted', 300_000);
    const abort = world().canary('abort', ['--reason', 'break glass during a step', ...TAKEOVER_TIMING]);
    await abort.waitFor('RolledBack', 120_000);
    await world().albFollows(stable);
    const canaryAfterAbort = world().forwardedTo(canary);
    expect(await abort.exited).toEqual({ code: 0, signal: null });
    // The fenced-out process stops writing and exits with an error naming the lost lease.
    expect((await run.exited).code).not.toBe(0);
    expect(run.stderr() + JSON.stringify(run.events.slice(-3))).toMatch(/lease/i);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(world().forwardedTo(canary)).toBe(canaryAfterAbort);
    await expectIdleOn(stable);
  }, 900_000);

  test('two starts race: one wins, the other is refused naming the holder and since when, and changes nothing', async () => {
    const { stable } = await world().trafficState();
    const model = await world().healthyModel();
    const [a, b] = [world().start(model, ['--by', 'alice']), world().start(model, ['--by', 'bob'])];
    // The loser exits at once; the winner runs until aborted below.
    const loser = await Promise.race([a.exited.then(() => a), b.exited.then(() => b)]);
    const winner = loser === a ? b : a;
    expect(await loser.exited).toEqual({ code: 2, signal: null });
    expect(loser.stderr()).toMatch(new RegExp(`held by ${winner === a ? 'alice' : 'bob'} since \\d{4}-`));
    expect(loser.events).toEqual([]);
    await winner.waitFor('RolloutStarted', 60_000);

    const abort = world().canary('abort', ['--reason', 'end of the race test', ...TAKEOVER_TIMING]);
    await abort.waitFor('RolledBack', 120_000);
    await Promise.all([abort.exited, winner.exited]);
    await expectIdleOn(stable);
  }, 900_000);
});

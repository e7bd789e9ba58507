import { otherColour, type FleetColour } from '@canaryfleet/traffic-state';
import { attachSharedDeployment, until, type LocalEnvironment } from '@canaryfleet/tools';
import { TAKEOVER_TIMING, useRolloutWorld } from './rollout-fixture';

// A healthy version rolled out by the real CLI on the data plane under sticky client load, across a
// crash: the process is killed mid-step, `canary resume` continues from the journal without repeating
// a step, the judge promotes, and the old fleet gets no request from the promotion until it is at zero.
// Leaves the deployment idle with the canary's fleet stable and the other fleet at zero.
const shared = attachSharedDeployment();
const describeIntegration = shared ? describe : describe.skip;

describeIntegration('a rollout on the local data plane: promotion across a crash', () => {
  const world = useRolloutWorld(shared as LocalEnvironment);

  test('killed mid-step and resumed without repeating a step, a healthy version is promoted; after the promotion no request reaches the old fleet before it is scaled to zero', async () => {
    const before = await world().trafficState();
    const oldStable: FleetColour = before.stable;
    const canary = otherColour(oldStable);

    const first = world().start('tiny-llm-v2');
    await first.waitFor((e) => e.reason === 'IntervalJudged' && e.step === 0, 300_000);
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(first.events.filter((e) => e.reason === 'StepStarted').map((e) => e.canaryPerMille)).toEqual([100]);
    // The lease of the dead process runs out; then resume takes the rollout over from the journal.
    await until(() => world().ports.store.activeRollout(), (lease) => lease?.leaseUntil != null && Date.parse(lease.leaseUntil) < Date.now(), 60_000);
    const resumed = world().canary('resume', TAKEOVER_TIMING);

    await resumed.waitFor('Promoted', 900_000);
    await world().albFollows(canary);
    const oldFleetAfterPromotion = world().forwardedTo(oldStable);
    await resumed.waitFor('FleetScaledToZero', 120_000);
    expect(world().forwardedTo(oldStable)).toBe(oldFleetAfterPromotion);
    expect(await resumed.exited).toEqual({ code: 0, signal: null });

    // Step 0 (10 %) is never started or moved to again; step 1 (50 %) once; the judge promoted.
    const resumedReasons = resumed.events.map((e) => e.reason);
    expect(resumed.events.filter((e) => e.reason === 'StepStarted').map((e) => e.canaryPerMille)).toEqual([500]);
    expect(resumed.events.filter((e) => e.reason === 'TrafficMoveStarted' && e.step === 0)).toEqual([]);
    expect(resumedReasons).toContain('JudgePromote');
    expect(resumedReasons).not.toContain('JudgeRollback');

    // The traffic state says the canary's fleet is stable and idle, the listener agrees (read back),
    // the old fleet is at zero instances and no server of it runs.
    const after = await world().trafficState();
    expect([after.phase, after.stable, after.releases[canary]?.modelVersion]).toEqual(['idle', canary, 'tiny-llm-v2']);
    await world().expectSingleGroupForward(canary);
    const groups = await world().ports.fleets.capacity();
    expect([groups[oldStable].desired, groups[canary].desired >= world().environment.outputs.fleet_capacity.min]).toEqual([0, true]);
    await until(() => world().serversOf(oldStable), (n) => n === 0, 60_000);
    expect(await world().ports.store.activeRollout()).toBeNull();
  }, 1_500_000);
});

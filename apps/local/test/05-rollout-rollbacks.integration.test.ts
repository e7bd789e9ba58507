import { otherColour } from '@canaryfleet/traffic-state';
import { attachSharedDeployment, until, type LocalEnvironment } from '@canaryfleet/tools';
import { useRolloutWorld } from './rollout-fixture';

// Bad versions from the local model catalog rolled out by the real CLI under sticky client load: each is
// rolled back by the judge, and from the moment the ALB follows the rollback no request reaches the
// canary fleet, sticky clients included. Leaves the deployment idle on the same stable fleet.
const shared = attachSharedDeployment();
const describeIntegration = shared ? describe : describe.skip;

const EXIT_ROLLED_BACK = 4;
/** Twice the failed canary requests the judge needs to roll a crash back against a 1 % baseline (five). */
const CRASH_CONVICTED_BY = 10;

describeIntegration('a rollout on the local data plane: rollbacks', () => {
  const world = useRolloutWorld(shared as LocalEnvironment);

  /** Rolls `model` out, expects a rollback by `reason`, and checks that the canary gets nothing afterwards. */
  async function expectRolledBack(model: string, reason: string) {
    const { stable } = await world().trafficState();
    const canary = otherColour(stable);
    const run = world().start(model);
    await run.waitFor('RolledBack', 600_000);
    await world().albFollows(stable);
    const canaryAfterRollback = world().forwardedTo(canary);
    await run.waitFor('FleetScaledToZero', 120_000);
    // A few more seconds of sticky load: the canary's cookie holders stay on the stable group.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(world().forwardedTo(canary)).toBe(canaryAfterRollback);
    expect(await run.exited).toEqual({ code: EXIT_ROLLED_BACK, signal: null });

    const reasons = run.events.map((e) => e.reason);
    expect(reasons).toContain(reason);
    expect(reasons).not.toContain('Promoted');
    const state = await world().trafficState();
    expect([state.phase, state.stable, state.releases[canary]]).toEqual(['idle', stable, null]);
    await world().expectSingleGroupForward(stable);
    expect((await world().ports.fleets.capacity())[canary].desired).toBe(0);
    await until(() => world().serversOf(canary), (n) => n === 0, 60_000);
    return run;
  }

  test('5x the error rate is rolled back by the judge', async () => {
    await expectRolledBack('tiny-llm-v2-errors', 'JudgeRollback');
  }, 900_000);

  test('a version whose server crashes is rolled back on the first interval judged after the crash (connection errors count as errors)', async () => {
    const run = await expectRolledBack('tiny-llm-v2-crash', 'JudgeRollback');
    const firstStep = run.events.findIndex((e) => e.reason === 'StepStarted');
    const decision = run.events.findIndex((e) => e.reason === 'JudgeRollback');
    const judged = run.events.slice(firstStep, decision).filter((e) => e.reason === 'IntervalJudged');
    const canaryRequests = judged.map((e) => Number(e.data?.canaryRequests));
    // The step can begin at the end of an interval, which is then judged on the few requests it saw. The
    // rollback comes on the first interval with real canary traffic: five failed requests against a 1 %
    // baseline convict a crash, so no earlier interval may have carried ten.
    expect(canaryRequests.length).toBeGreaterThan(0);
    expect(canaryRequests.slice(0, -1).filter((n) => n >= CRASH_CONVICTED_BY)).toEqual([]);
    expect(canaryRequests[canaryRequests.length - 1]).toBeGreaterThan(0);
    expect(run.events[decision].step).toBe(0);
  }, 900_000);

  test('a version that answers 200 with worse output quality is rolled back by the quality test', async () => {
    const run = await expectRolledBack('tiny-llm-v2-worse', 'JudgeRollback');
    expect(run.events.find((e) => e.reason === 'JudgeRollback')?.message).toMatch(/^The judge decided to roll back: quality: /);
  }, 900_000);
});

import { planSchedule, type SchedulePlanInput } from '../src/index';

const STEPS = [0.01, 0.05, 0.25, 0.5].map((canaryShare) => ({ canaryShare, minSeconds: 60 }));
const BASE: SchedulePlanInput = { rps: 100, baselineRate: 0.005, steps: STEPS, intervalSeconds: 60 };

describe('planSchedule', () => {
  it('times every step and the promotion at the last one', () => {
    const plan = planSchedule(BASE);
    expect(plan.steps.map((s) => [s.canaryShare, s.startSeconds])).toEqual([[0.01, 0], [0.05, 60], [0.25, 120], [0.5, 180]]);
    expect(plan.steps.slice(0, 3).map((s) => s.endSeconds)).toEqual([60, 120, 180]);
    const promote = plan.expectedSecondsToPromote as number;
    expect(plan.steps[3].endSeconds).toBe(promote);
    // Promotion waits for the last step and for evidence, here several stickiness windows at 50%.
    expect(promote).toBeGreaterThan(180);
    expect(promote % 60).toBe(0);
    expect(plan.targetOddsRatio).toBe(2);
    expect(plan.underpowered).toBe(false);
    expect(plan.secondsToDetectTarget).toBeGreaterThan(0);
  });

  it('prices the margin, the client mix and the traffic', () => {
    const promote = (input: Partial<SchedulePlanInput>): number => planSchedule({ ...BASE, ...input }).expectedSecondsToPromote ?? Infinity;
    const base = promote({});
    expect(promote({ margin: 1.5 })).toBeGreaterThan(base);
    expect(promote({ stickinessSeconds: 0 })).toBeLessThan(base);
    expect(promote({ effectiveClients: 500 })).toBeLessThan(base);
    expect(promote({ rps: 400 })).toBeLessThan(base);
    // Stickiness as long as the rollout at 20 effective clients: one draw of clients never shows psi < 1.5.
    expect(planSchedule({ ...BASE, margin: 1.5, stickinessSeconds: 604800, effectiveClients: 20, maxMinutes: 60 }).expectedSecondsToPromote).toBeNull();
    // Too little traffic to catch 2x.
    expect(planSchedule({ ...BASE, rps: 1, maxMinutes: 30 })).toMatchObject({ underpowered: true, secondsToDetectTarget: null });
  });

  it('rejects bad input with the field, the value and the range', () => {
    expect(() => planSchedule({ ...BASE, steps: [] })).toThrow('steps must list at least one step');
    expect(() => planSchedule({ ...BASE, steps: [{ canaryShare: 1, minSeconds: 60 }] })).toThrow('steps[0].canaryShare must be in (0, 1); got 1');
    expect(() => planSchedule({ ...BASE, steps: [{ canaryShare: 0.5, minSeconds: 60 }, { canaryShare: 0.1, minSeconds: 60 }] })).toThrow('steps[1].canaryShare must be larger than steps[0].canaryShare; got 0.1');
    expect(() => planSchedule({ ...BASE, steps: [{ canaryShare: 0.1, minSeconds: -1 }] })).toThrow('steps[0].minSeconds must be in [0, 86400]; got -1');
    expect(() => planSchedule({ ...BASE, intervalSeconds: 0 })).toThrow('intervalSeconds must be in [1, 3600]; got 0');
    expect(() => planSchedule({ ...BASE, margin: 1 })).toThrow('margin must be in [1.05, 10]; got 1');
    expect(() => planSchedule({ ...BASE, effectiveClients: 0 })).toThrow('effectiveClients must be in [1, inf); got 0');
  });
});

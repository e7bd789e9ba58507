import { CountTest, createRng, planPower } from '../src/index';

describe('planPower', () => {
  it('finds the smallest detectable odds ratio and flags an underpowered rollout', () => {
    const busy = planPower({ rps: 100, canaryWeight: 0.05, baselineRate: 0.005, minutes: 60, stickinessSeconds: 0 });
    expect(busy.underpowered).toBe(false);
    expect(busy.canaryRequestsPerInterval).toBe(50);
    expect(busy.baselineRequestsPerInterval).toBe(950);
    expect(busy.intervals).toBe(360);
    expect(busy.minDetectableOddsRatio).toBeGreaterThan(1.2);
    expect(busy.minDetectableOddsRatio).toBeLessThan(2);
    expect(busy.secondsToDetectTarget).toBeGreaterThan(0);

    const quiet = planPower({ rps: 2, canaryWeight: 0.05, baselineRate: 0.005, minutes: 15, stickinessSeconds: 0 });
    expect(quiet.underpowered).toBe(true);
    expect(quiet.secondsToDetectTarget).toBeNull();
    expect(quiet.minDetectableOddsRatio === null || (quiet.minDetectableOddsRatio as number) > 2).toBe(true);

    // More time or more traffic can only help.
    const longer = planPower({ rps: 100, canaryWeight: 0.05, baselineRate: 0.005, minutes: 120, stickinessSeconds: 0 });
    expect(longer.minDetectableOddsRatio as number).toBeLessThan(busy.minDetectableOddsRatio as number);

    // Sticky clients cost power, the more the fewer effective clients and the longer the window.
    const sticky = planPower({ rps: 100, canaryWeight: 0.05, baselineRate: 0.005, minutes: 60 });
    const fewer = planPower({ rps: 100, canaryWeight: 0.05, baselineRate: 0.005, minutes: 60, effectiveClients: 10 });
    const whole = planPower({ rps: 100, canaryWeight: 0.05, baselineRate: 0.005, minutes: 60, stickinessSeconds: 3600 });
    expect(sticky.minDetectableOddsRatio as number).toBeGreaterThan(busy.minDetectableOddsRatio as number);
    expect(fewer.minDetectableOddsRatio as number).toBeGreaterThan(sticky.minDetectableOddsRatio as number);
    expect(whole.minDetectableOddsRatio as number).toBeGreaterThan(sticky.minDetectableOddsRatio as number);
  });

  it('is close to, and on the safe side of, simulated power', () => {
    // 5x at 10 rps / 10% canary (LLM-like traffic), 20 minutes.
    const input = { rps: 10, canaryWeight: 0.1, baselineRate: 0.005, minutes: 20, targetOddsRatio: 5 };
    const plan = planPower(input);
    expect(plan.secondsToDetectTarget).not.toBeNull();
    const horizon = (plan.secondsToDetectTarget as number) / 10;
    const rng = createRng(51);
    const odds = (5 * 0.005) / 0.995;
    const p1 = odds / (1 + odds);
    let detected = 0;
    const runs = 300;
    for (let r = 0; r < runs; r++) {
      // The test the plan describes: the judge's default stickiness window and effective clients.
      const test = new CountTest({ alpha: 0.01, clientMix: { stickinessSeconds: 300, effectiveClients: 50 } });
      for (let i = 0; i < horizon; i++) {
        const x = rng.poisson(10 * p1);
        const y = rng.poisson(90 * 0.005);
        test.update({ requests: x + rng.poisson(10 * (1 - p1)), bad: x }, { requests: y + rng.poisson(90 * 0.995), bad: y }, (i + 1) * 10);
        if (test.logRollbackEvidence() >= Math.log(100)) {
          detected++;
          break;
        }
      }
    }
    // The plan promises 80% by then; the approximation is conservative but not by much.
    expect(detected / runs).toBeGreaterThanOrEqual(0.78);
    expect(detected / runs).toBeLessThanOrEqual(0.97);
  });

  it('rejects bad input with the field, the value and the range', () => {
    const ok = { rps: 100, canaryWeight: 0.05, baselineRate: 0.005, minutes: 60 };
    expect(() => planPower({ ...ok, rps: 0 })).toThrow('rps must be in (0, inf); got 0');
    expect(() => planPower({ ...ok, canaryWeight: 5 })).toThrow('canaryWeight must be in (0, 1); got 5');
    expect(() => planPower({ ...ok, baselineRate: 0 })).toThrow('baselineRate must be in (0, 0.5]; got 0');
    expect(() => planPower({ ...ok, minutes: 2000 })).toThrow('minutes must be in (0, 1440]; got 2000');
    expect(() => planPower({ ...ok, alpha: 1 })).toThrow('alpha must be in (0, 0.5); got 1');
    expect(() => planPower({ ...ok, intervalSeconds: 0.5 })).toThrow('intervalSeconds must be in [1, 3600]; got 0.5');
    expect(() => planPower({ ...ok, power: 0.999 })).toThrow('power must be in [0.5, 0.99]; got 0.999');
    expect(() => planPower({ ...ok, targetOddsRatio: 1 })).toThrow('targetOddsRatio must be in (1, 100]; got 1');
    expect(() => planPower({ ...ok, maxOddsRatio: 1000 })).toThrow('maxOddsRatio must be in (2, 256]; got 1000');
    expect(() => planPower({ ...ok, stickinessSeconds: -1 })).toThrow('stickinessSeconds must be in [0, 604800]; got -1');
    expect(() => planPower({ ...ok, effectiveClients: 0.5 })).toThrow('effectiveClients must be in [1, inf); got 0.5');
  });
});

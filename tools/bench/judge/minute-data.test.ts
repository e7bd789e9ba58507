import { createRng } from '@canaryfleet/judge';
import { minuteTicks } from './minute-data';
import type { Tick } from './traffic';

// An hour of 10 s ticks whose counts encode their minute, so every fed datapoint can be traced back.
function hour(): Tick[] {
  return Array.from({ length: 360 }, (_, i) => {
    const minute = Math.floor(i / 6);
    // Minute 7 has no canary request: ALB publishes no datapoint for it.
    const canary = minute === 7 ? 0 : 1;
    return { t: (i + 1) * 10, canary: { requests: canary, errors: 0, slow: 0 }, baseline: { requests: 1000 + minute, errors: 0, slow: 0 }, missing: false };
  });
}

describe('ALB minute datapoints as the benchmark operator feeds them', () => {
  it('feeds every datapoint that arrives exactly once, on time or late, and never the lost ones', () => {
    const fed = minuteTicks(hour(), createRng(3));
    expect(fed.map((t) => t.t)).toEqual(Array.from({ length: 60 }, (_, i) => (i + 1) * 60));
    const baselineMinutes: number[] = [];
    let canaryRequests = 0;
    for (const tick of fed) {
      const parts = [...(tick.missing ? [] : [{ t: tick.t, canary: tick.canary, baseline: tick.baseline }]), ...(tick.late ?? [])];
      for (const part of parts) {
        // Late entries belong to an earlier minute, and never to the future.
        expect(part.t).toBeLessThanOrEqual(tick.t);
        if (part.baseline.requests > 0) baselineMinutes.push(part.baseline.requests - 6000);
        canaryRequests += part.canary.requests;
      }
    }
    // Each baseline minute at most once; about 1% lost.
    expect(new Set(baselineMinutes).size).toBe(baselineMinutes.length);
    expect(baselineMinutes.length).toBeGreaterThanOrEqual(57);
    expect(canaryRequests).toBeLessThanOrEqual(59 * 6);
    expect(canaryRequests).toBeGreaterThanOrEqual(56 * 6);
    // Some minutes were late: their tick had nothing of its own.
    expect(fed.some((t) => t.missing)).toBe(true);
    expect(fed.some((t) => (t.late ?? []).length > 0)).toBe(true);
  });
});

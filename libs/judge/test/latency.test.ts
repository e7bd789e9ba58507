import { countSlow, latencyThreshold } from '../src/index';

describe('latency as a count', () => {
  it('fixes the threshold before the rollout from the stable p99, capped by the SLO', () => {
    expect(latencyThreshold({ stableP99Ms: 800 })).toBe(800);
    expect(latencyThreshold({ stableP99Ms: 800, sloMs: 600 })).toBe(600);
    expect(latencyThreshold({ sloMs: 1200 })).toBe(1200);
    expect(() => latencyThreshold({})).toThrow('latencyThreshold needs stableP99Ms or sloMs');
    expect(() => latencyThreshold({ stableP99Ms: -3 })).toThrow('stableP99Ms must be a finite number of ms > 0; got -3');
    expect(() => latencyThreshold({ sloMs: Number.NaN })).toThrow('sloMs must be a finite number of ms > 0; got NaN');
  });

  it('counts requests strictly slower than the threshold', () => {
    expect(countSlow([100, 800, 801, 2000], 800)).toBe(2);
    expect(countSlow(new Float64Array(0), 800)).toBe(0);
  });
});

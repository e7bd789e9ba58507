import { albWeights, formatShare, parseSharePercent, TrafficStateError, WEIGHT_SCALE } from '../src';

describe('canary shares', () => {
  test('every share from 0.1 % to 99.9 % maps to ALB weights within 0..999 whose ratio is exactly the share', () => {
    for (let perMille = 1; perMille <= 999; perMille += 1) {
      const weights = albWeights(perMille);
      expect(weights.stable).toBeGreaterThanOrEqual(1);
      expect(weights.canary).toBeGreaterThanOrEqual(1);
      expect(weights.stable).toBeLessThanOrEqual(999);
      expect(weights.canary).toBeLessThanOrEqual(999);
      // share = canary / (stable + canary), compared in integers: no rounding anywhere.
      expect(weights.stable + weights.canary).toBe(WEIGHT_SCALE);
      expect(weights.canary * 1000).toBe(perMille * (weights.stable + weights.canary));
      // Round trip through what people type.
      expect(parseSharePercent(formatShare(perMille).replace(' %', ''), 'share')).toBe(perMille);
    }
  });

  test('0 and 100 % are not weighted states', () => {
    expect(() => albWeights(0)).toThrow('canaryPerMille = 0: must be an integer from 1 to 999 per mille for a weighted forward');
    expect(() => albWeights(1000)).toThrow(TrafficStateError);
  });

  test('percent text parses without floating point and refuses anything finer than 0.1 %', () => {
    expect(parseSharePercent('0.1', 'steps[0]')).toBe(1);
    expect(parseSharePercent('5', 'steps[1]')).toBe(50);
    expect(parseSharePercent('99.9', 'steps[2]')).toBe(999);
    expect(parseSharePercent('100', 'steps[3]')).toBe(1000);
    expect(() => parseSharePercent('0.05', 'steps[0]')).toThrow('steps[0] = "0.05": must be a percentage from 0 to 100 with at most one decimal, like 0.1, 5 or 99.9');
    expect(() => parseSharePercent('150', 'steps[1]')).toThrow('steps[1] = "150"');
    expect(() => parseSharePercent('-1', 'steps[1]')).toThrow(TrafficStateError);
    expect(() => parseSharePercent('five', 'steps[1]')).toThrow(TrafficStateError);
  });

  test('shares read as people write them', () => {
    expect(formatShare(1)).toBe('0.1 %');
    expect(formatShare(50)).toBe('5 %');
    expect(formatShare(255)).toBe('25.5 %');
    expect(formatShare(1000)).toBe('100 %');
  });
});

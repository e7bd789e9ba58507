import { splitAlpha } from '../src/index';

describe('splitAlpha', () => {
  it('splits the total in proportion to the weights', () => {
    const shares = splitAlpha(0.01, [{ metric: 'errors', weight: 3 }, { metric: 'latency' }, { metric: 'quality', weight: 1 }]);
    expect(shares.get('errors')).toBeCloseTo(0.006, 12);
    expect(shares.get('latency')).toBeCloseTo(0.002, 12);
    expect([...shares.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(0.01, 15);
  });

  it('rejects a bad budget with the field and the value', () => {
    expect(() => splitAlpha(0.5, [{ metric: 'errors' }])).toThrow('alpha must be in (0, 0.5); got 0.5');
    expect(() => splitAlpha(0.01, [])).toThrow('the alpha budget needs at least one metric');
    expect(() => splitAlpha(0.01, [{ metric: 'errors' }, { metric: 'errors' }])).toThrow('metric "errors" appears twice in the alpha budget');
    expect(() => splitAlpha(0.01, [{ metric: 'errors', weight: 0 }])).toThrow('metrics.errors.weight must be a finite number > 0; got 0');
  });
});

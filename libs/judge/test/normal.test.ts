import { logNormalCdf, normalCdf, normalQuantile } from '../src/index';

// Reference values computed with mpmath at 30 digits (ncdf, erfinv).
describe('the standard normal (one implementation, stdlib underneath)', () => {
  it('matches reference values of Phi, ln Phi and the quantile', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 15);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(logNormalCdf(-5) / -15.064998393988725).toBeCloseTo(1, 13);
    expect(logNormalCdf(5) / -2.866516129637636e-7).toBeCloseTo(1, 9);
    // Far in the lower tail Phi underflows, its logarithm must not.
    expect(logNormalCdf(-30) / -454.3212439563432).toBeCloseTo(1, 13);
    expect(logNormalCdf(-40) / -804.6084420137538).toBeCloseTo(1, 13);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874040841, 13);
    // Far in the tail stdlib's quantile is good to a few parts in 1e9, ample for quadrature nodes and critical values.
    expect(normalQuantile(1e-10) / -6.361340902404056).toBeCloseTo(1, 8);
  });
});

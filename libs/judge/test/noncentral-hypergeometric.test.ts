import { ConditionedInterval } from '../src/index';

// Exact P(X = x | m; psi) for rational psi = num/den, by enumerating binomial coefficients in BigInt.
function exactPmf(n1: number, n0: number, m: number, num: number, den: number): Map<number, number> {
  const choose = (n: number, k: number): bigint => {
    let r = 1n;
    for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
    return r;
  };
  const lo = Math.max(0, m - n0);
  const hi = Math.min(n1, m);
  const weights = new Map<number, bigint>();
  let total = 0n;
  for (let x = lo; x <= hi; x++) {
    const w = choose(n1, x) * choose(n0, m - x) * BigInt(num) ** BigInt(x) * BigInt(den) ** BigInt(hi - x);
    weights.set(x, w);
    total += w;
  }
  const scale = 10n ** 40n;
  return new Map([...weights].map(([x, w]) => [x, Number((w * scale) / total) / 1e40]));
}

describe('ConditionedInterval (Fisher noncentral hypergeometric)', () => {
  const cases: Array<[number, number, number, number, number]> = [
    [50, 950, 6, 1, 1],
    [50, 950, 6, 5, 1],
    [10, 12, 15, 1, 3],
    [3, 40, 20, 7, 2],
    [200, 300, 120, 3, 2],
    [1, 1, 1, 2, 1],
  ];

  it.each(cases)('matches direct enumeration for n1=%i n0=%i m=%i psi=%i/%i', (n1, n0, m, num, den) => {
    const interval = new ConditionedInterval(n1, n0, m);
    const exact = exactPmf(n1, n0, m, num, den);
    const logPsi = Math.log(num / den);
    expect(interval.lo).toBe(Math.max(...[0, m - n0]));
    expect(interval.hi).toBe(Math.min(n1, m));
    let total = 0;
    for (const [x, p] of exact) {
      const got = Math.exp(interval.logPmf(x, logPsi));
      total += got;
      expect(Math.abs(got - p)).toBeLessThanOrEqual(1e-12 + 1e-9 * p);
    }
    expect(total).toBeCloseTo(1, 12);
    expect(interval.logPmf(interval.lo - 1, logPsi)).toBe(-Infinity);
    expect(interval.logPmf(interval.hi + 1, logPsi)).toBe(-Infinity);
  });

  it('gives the likelihood ratio against psi = 1 and the exact moments', () => {
    const interval = new ConditionedInterval(10, 12, 15);
    const exact2 = exactPmf(10, 12, 15, 2, 1);
    const exact1 = exactPmf(10, 12, 15, 1, 1);
    let mean = 0;
    let second = 0;
    for (const [x, p] of exact2) {
      expect(interval.logLikelihoodRatio(x, Math.log(2))).toBeCloseTo(Math.log(p / (exact1.get(x) as number)), 9);
      mean += x * p;
      second += x * x * p;
    }
    const moments = interval.moments(Math.log(2));
    expect(moments.mean).toBeCloseTo(mean, 9);
    expect(moments.secondMoment).toBeCloseTo(second, 7);
  });

  it('has a likelihood ratio increasing in x for psi > 1 (monotone likelihood ratio)', () => {
    const interval = new ConditionedInterval(40, 400, 30);
    for (const psi of [1.2, 3, 50]) {
      for (let x = interval.lo; x < interval.hi; x++) {
        expect(interval.logLikelihoodRatio(x + 1, Math.log(psi))).toBeGreaterThan(interval.logLikelihoodRatio(x, Math.log(psi)));
      }
    }
  });

  it('is degenerate when only one canary count is possible', () => {
    expect(new ConditionedInterval(50, 950, 0).degenerate).toBe(true);
    expect(new ConditionedInterval(0, 950, 4).degenerate).toBe(true);
    expect(new ConditionedInterval(50, 0, 4).degenerate).toBe(true);
    expect(new ConditionedInterval(50, 950, 1).degenerate).toBe(false);
  });

  it('stays accurate on a large support (windowed summation)', () => {
    const [n1, n0, m, psi] = [5000, 95000, 6000, 3];
    const interval = new ConditionedInterval(n1, n0, m);
    // Naive full-support log-sum-exp of ln C(n1, x) C(n0, m - x) psi^x, relative to x = 0.
    const logTerms = [0];
    for (let x = 0; x < Math.min(n1, m); x++) logTerms.push(logTerms[x] + Math.log(((n1 - x) * (m - x)) / ((x + 1) * (n0 - m + x + 1))) + Math.log(psi));
    const peak = Math.max(...logTerms);
    const logZ = peak + Math.log(logTerms.reduce((sum, v) => sum + Math.exp(v - peak), 0));
    for (const x of [300, 580, 620, 900]) expect(interval.logPmf(x, Math.log(psi))).toBeCloseTo(logTerms[x] - logZ, 8);
  });
});

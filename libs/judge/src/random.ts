// Bound once: a global lookup per call costs ~6x inside sandboxes such as jest's vm context.
const { exp, log, log1p, sqrt, cos, sin, floor, imul, abs, PI } = Math;

/**
 * Seeded random numbers for reproducible simulation (tests, the benchmark, power checks). Never used
 * by a decision: the judge itself is deterministic.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal. */
  normal(): number;
  poisson(mean: number): number;
  binomial(n: number, p: number): number;
}

/** sfc32 seeded through splitmix32: small, fast, and passes PractRand far beyond our sample sizes. */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = next();
    const r = sqrt(-2 * log(u));
    const theta = 2 * PI * next();
    spare = r * sin(theta);
    return r * cos(theta);
  };
  const poisson = (mean: number): number => {
    if (mean <= 0) return 0;
    if (mean < 30) {
      // Inversion by sequential search: exact, O(mean).
      let k = 0;
      let p = exp(-mean);
      let cdf = p;
      const u = next();
      while (u > cdf && p > 0) {
        k++;
        p *= mean / k;
        cdf += p;
      }
      return k;
    }
    return poissonPtrs(mean, next);
  };
  const binomial = (n: number, p: number): number => {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - binomial(n, 1 - p);
    if (n * p < 30) {
      // Geometric skips between successes: exact, O(n p + 1).
      const logQ = log1p(-p);
      let count = 0;
      let position = 0;
      for (;;) {
        const u = 1 - next();
        position += floor(log(u) / logQ) + 1;
        if (position > n) return count;
        count++;
      }
    }
    // Large n p: Bin(a, p) + Bin(b, p) = Bin(a + b, p), so halve until the skip method is cheap.
    const half = floor(n / 2);
    return binomial(half, p) + binomial(n - half, p);
  };
  return { next, normal, poisson, binomial };
}

// Hörmann's PTRS transformed-rejection sampler for Poisson(mean >= 10): exact, O(1) expected.
function poissonPtrs(mean: number, next: () => number): number {
  const slam = sqrt(mean);
  const logLam = log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = next() - 0.5;
    const v = next();
    const us = 0.5 - abs(u);
    const k = floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (log(v) + log(invAlpha) - log(a / (us * us) + b) <= -mean + k * logLam - logFactorial(k)) return k;
  }
}

function logFactorial(k: number): number {
  if (k < 2) return 0;
  if (k < 20) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += log(i);
    return s;
  }
  // Stirling series; error < 1e-10 for k >= 20.
  return (k + 0.5) * log(k) - k + 0.5 * log(2 * PI) + 1 / (12 * k) - 1 / (360 * k * k * k);
}

import { CountTest, createRng, effectiveClientsOf, type Rng } from '../src/index';
import { mixScale, temperingFactor } from '../src/client-mix';

const ALPHA = 0.05;
const SHARE = 0.1;

/**
 * Sticky traffic in its simplest form: every stickiness window re-draws which clients are on the
 * canary, which shifts the canary's log error odds by b ~ N(0, H / (s (1 - s))) for the whole window.
 * 100 requests per 10 s interval, 2% baseline errors, canary no worse on average (psi = 1).
 */
function stickyRun(rng: Rng, test: CountTest, heterogeneity: number, windowSeconds: number, intervals: number, oddsRatio = 1): boolean {
  const p0 = 0.02;
  let effect = 0;
  let crossed = false;
  for (let i = 0; i < intervals; i++) {
    const t = (i + 1) * 10;
    if (i % (windowSeconds / 10) === 0) effect = rng.normal() * Math.sqrt(heterogeneity * mixScale(SHARE));
    const odds = oddsRatio * Math.exp(effect) * (p0 / (1 - p0));
    const p1 = odds / (1 + odds);
    const x = rng.poisson(100 * SHARE * p1);
    const y = rng.poisson(100 * (1 - SHARE) * p0);
    test.update({ requests: x + rng.poisson(100 * SHARE * (1 - p1)), bad: x }, { requests: y + rng.poisson(100 * (1 - SHARE) * (1 - p0)), bad: y }, t);
    if (test.logRollbackEvidence() >= Math.log(1 / ALPHA)) crossed = true;
  }
  return crossed;
}

describe('client mix (sticky routing)', () => {
  it('tempers a window by the Gaussian random-effect marginal and scales the effect with the share', () => {
    expect(temperingFactor(0, 50)).toBe(1);
    expect(temperingFactor(0.5, 2)).toBe(0.5);
    expect(mixScale(0.5)).toBe(4);
    expect(mixScale(0.1)).toBeCloseTo(1 / 0.09, 12);
    // Clamped so a window that saw one fleet only stays finite.
    expect(mixScale(0)).toBeCloseTo(1 / (1e-3 * (1 - 1e-3)), 6);
  });

  it('is the exact test of ADR 0005 without stickiness', () => {
    const plain = new CountTest({ alpha: 0.01 });
    const unsticky = new CountTest({ alpha: 0.01, clientMix: { stickinessSeconds: 0, effectiveClients: 10 } });
    for (let i = 1; i <= 40; i++) {
      plain.update({ requests: 50, bad: i % 3 }, { requests: 950, bad: 5 });
      unsticky.update({ requests: 50, bad: i % 3 }, { requests: 950, bad: 5 }, i * 10);
    }
    expect(unsticky.state()).toEqual({ ...plain.state(), clientMixSd: 0 });
  });

  it('holds the false-rollback rate where the exact test does not, for re-drawn (300 s) and whole-run (30 min) client mixes', () => {
    const rng = createRng(61);
    const runs = 200;
    for (const windowSeconds of [300, 1800]) {
      let exact = 0;
      let tempered = 0;
      for (let r = 0; r < runs; r++) {
        // The same traffic for both tests: replay one seed's draws.
        const seed = Math.floor(rng.next() * 2 ** 31);
        if (stickyRun(createRng(seed), new CountTest({ alpha: ALPHA }), 1 / 50, windowSeconds, 180)) exact++;
        if (stickyRun(createRng(seed), new CountTest({ alpha: ALPHA, clientMix: { stickinessSeconds: windowSeconds, effectiveClients: 50 } }), 1 / 50, windowSeconds, 180)) tempered++;
      }
      expect(exact / runs).toBeGreaterThan(0.15);
      expect(tempered / runs).toBeLessThanOrEqual(ALPHA + 2.5 * Math.sqrt((ALPHA * (1 - ALPHA)) / runs));
    }
  });

  it('still rolls back a large regression under a whole-rollout client mix, and saturates on a small one', () => {
    const big = new CountTest({ alpha: 0.01, clientMix: { stickinessSeconds: 604800, effectiveClients: 50 } });
    const small = new CountTest({ alpha: 0.01, clientMix: { stickinessSeconds: 604800, effectiveClients: 50 } });
    for (let i = 1; i <= 360; i++) {
      // 10% share, 0.5% baseline errors; 20x: 10% canary errors. 1.5x: 0.75%, exactly, for an hour.
      big.update({ requests: 100, bad: 10 }, { requests: 900, bad: 4 + (i % 2) }, i * 10);
      small.update({ requests: 400, bad: 3 }, { requests: 3600, bad: 18 }, i * 10);
    }
    expect(big.logRollbackEvidence()).toBeGreaterThan(Math.log(100));
    // ln psi = 0.41 against a client-mix sd of sqrt((1/50) / 0.09) = 0.47: no amount of data from the same clients makes it evidence.
    expect(small.state().clientMixSd).toBeCloseTo(Math.sqrt(1 / 50 / 0.09), 2);
    expect(small.logRollbackEvidence()).toBeLessThan(Math.log(100));
    const exact = new CountTest({ alpha: 0.01 });
    for (let i = 1; i <= 360; i++) exact.update({ requests: 400, bad: 3 }, { requests: 3600, bad: 18 });
    expect(exact.logRollbackEvidence()).toBeGreaterThan(Math.log(1e6));
  });

  it('learns a client mix more clustered than assumed from the windows it has seen', () => {
    const assumedNone = new CountTest({ alpha: 0.01, clientMix: { stickinessSeconds: 300, effectiveClients: 1e9 } });
    const calm = new CountTest({ alpha: 0.01, clientMix: { stickinessSeconds: 300, effectiveClients: 1e9 } });
    for (let i = 1; i <= 360; i++) {
      // Windows alternate between a canary three times worse and three times better (ln 3 = 1.1 either way).
      const worse = Math.floor((i - 1) / 30) % 2 === 0;
      assumedNone.update({ requests: 500, bad: worse ? 30 : 3 }, { requests: 4500, bad: 90 }, i * 10);
      calm.update({ requests: 500, bad: 10 }, { requests: 4500, bad: 90 }, i * 10);
    }
    expect(assumedNone.state().clientMixSd).toBeGreaterThan(0.7);
    expect(assumedNone.state().clientMixSd).toBeLessThan(1.6);
    expect(calm.state().clientMixSd).toBeLessThan(0.01);
  });

  it('computes the effective number of clients from per-client totals', () => {
    // Errors spread exactly like requests: no client-mix effect at all.
    expect(effectiveClientsOf([{ requests: 100, errors: 1 }, { requests: 300, errors: 3 }])).toBe(Infinity);
    // 100 equal clients, one of them producing half the errors: (0.5 - 0.01)^2 + 99 (0.5/99 - 0.01)^2.
    const clients = [{ requests: 100, errors: 99 }, ...Array.from({ length: 99 }, () => ({ requests: 100, errors: 1 }))];
    expect(effectiveClientsOf(clients)).toBeCloseTo(1 / (0.49 ** 2 + 99 * (0.5 / 99 - 0.01) ** 2), 9);
    expect(() => effectiveClientsOf([{ requests: 5, errors: 6 }])).toThrow('clients[0].errors must be an integer in [0, requests]; got 6');
    expect(() => effectiveClientsOf([{ requests: 5, errors: 0 }])).toThrow('clients must include at least one request and one error');
  });

  it('rejects a bad client mix with the field, the value and the range', () => {
    expect(() => new CountTest({ alpha: 0.01, clientMix: { stickinessSeconds: -1, effectiveClients: 50 } })).toThrow('clientMix.stickinessSeconds must be in [0, 604800]; got -1');
    expect(() => new CountTest({ alpha: 0.01, clientMix: { stickinessSeconds: 300, effectiveClients: 0 } })).toThrow('clientMix.effectiveClients must be >= 1; got 0');
  });
});

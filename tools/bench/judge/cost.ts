import { CountTest, createRng, Judge, QualityScoreTest } from '@canaryfleet/judge';

/** Microseconds per interval for each evaluation, median of repeated batches (after warm-up). */
export function measureEvaluationCost(): Record<string, number> {
  const rng = createRng(7);
  // Poisson arrivals: bad and good requests are independent Poisson counts.
  const fleet = (mean: number, p: number) => {
    const bad = rng.poisson(mean * p);
    return { requests: bad + rng.poisson(mean * (1 - p)), bad };
  };
  const counts = (rps: number, weight: number, p: number) => ({ canary: fleet(rps * weight * 10, p), baseline: fleet(rps * (1 - weight) * 10, p) });
  const light = Array.from({ length: 2000 }, () => counts(100, 0.05, 0.005));
  const heavy = Array.from({ length: 2000 }, () => counts(10000, 0.5, 0.05));
  return {
    count_test_update_us: time(() => new CountTest({ alpha: 0.01 }), (test, i) => test.update(light[i].canary, light[i].baseline)),
    count_test_update_and_all_outputs_us: time(() => new CountTest({ alpha: 0.01 }), (test, i) => {
      test.update(light[i].canary, light[i].baseline);
      test.state();
    }),
    count_test_update_sticky_300s_us: time(() => new CountTest({ alpha: 0.01, clientMix: { stickinessSeconds: 300, effectiveClients: 50 } }), (test, i) => test.update(light[i].canary, light[i].baseline, 10 * (i + 1))),
    count_test_update_10000_rps_5pct_errors_us: time(() => new CountTest({ alpha: 0.01 }), (test, i) => test.update(heavy[i].canary, heavy[i].baseline)),
    quality_score_update_and_outputs_us: time(() => new QualityScoreTest({ alpha: 0.01 }), (test) => {
      test.update({ count: 20, sum: 15 + rng.next() }, { count: 200, sum: 150 + rng.next() });
      test.state();
    }),
    judge_one_count_metric_us: time(
      () => ({ judge: new Judge({ metrics: [{ name: 'errors', kind: 'count' }] }), t: 0 }),
      (s, i) => s.judge.observe({ t: (s.t += 10), metrics: { errors: light[i] } }),
    ),
    judge_errors_latency_quality_us: time(
      () => ({ judge: new Judge({ metrics: [{ name: 'errors', kind: 'count' }, { name: 'latency', kind: 'count' }, { name: 'quality', kind: 'score' }] }), t: 0 }),
      (s, i) => s.judge.observe({ t: (s.t += 10), metrics: { errors: light[i], latency: light[(i + 1) % 2000], quality: { canary: { count: 20, sum: 15 }, baseline: { count: 200, sum: 150 } } } }),
    ),
  };
}

function time<S>(fresh: () => S, step: (state: S, i: number) => void): number {
  const samples: number[] = [];
  for (let batch = 0; batch < 7; batch++) {
    const state = fresh();
    const start = process.hrtime.bigint();
    for (let i = 0; i < 2000; i++) step(state, i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e3 / 2000);
  }
  samples.sort((a, b) => a - b);
  return Number(samples[3].toFixed(2));
}

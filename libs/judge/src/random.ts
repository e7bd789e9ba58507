import ziggurat from '@stdlib/random-base-improved-ziggurat';
import poisson from '@stdlib/random-base-poisson';
import randu from '@stdlib/random-base-randu';

/**
 * Seeded random numbers for reproducible simulation (tests, the benchmark, power checks). Never used
 * by a decision: the judge itself is deterministic.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal. */
  normal(): number;
  /** Poisson with the given mean (>= 0). Bad requests among Poisson arrivals are Poisson too (thinning). */
  poisson(mean: number): number;
}

/**
 * One Mersenne Twister stream (stdlib) feeds every distribution, so a seed fixes the whole simulation.
 * Seeds are integers in [0, 2^32 - 1) (mapped onto the generator's [1, 2^32 - 1]).
 */
export function createRng(seed: number): Rng {
  const uniform = randu.factory({ name: 'mt19937', seed: ((seed >>> 0) % 0xffffffff) + 1 });
  const normal = ziggurat.factory({ prng: uniform });
  const draw = poisson.factory({ prng: uniform });
  return { next: uniform, normal, poisson: (mean) => (mean > 0 ? draw(mean) : 0) };
}

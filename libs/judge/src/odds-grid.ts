// Bound once: a global lookup per call costs ~6x inside sandboxes such as jest's vm context.
const { exp, log } = Math;

/**
 * The grid of odds ratios on which every count metric keeps its running log-likelihood. One grid
 * serves the rollback mixture, the non-inferiority mixture, the confidence sequence and the estimate,
 * so an interval costs O(grid x window) once, whatever is asked afterwards.
 */
export interface OddsGridOptions {
  /** Smallest odds ratio on the grid. @default 1/32 */
  readonly min?: number;
  /** Largest odds ratio on the grid. @default 256 */
  readonly max?: number;
  /** Spacing in ln(odds ratio). Range (0, 1]. @default 0.1 (about 10% between neighbours) */
  readonly logStep?: number;
  /** Odds ratios that must be exactly on the grid (e.g. the non-inferiority margin). 1 always is. */
  readonly include?: readonly number[];
}

export interface OddsGrid {
  /** ln(odds ratio) of each point, ascending. */
  readonly logPsi: Float64Array;
  /** Index of psi = 1. */
  readonly oneIndex: number;
}

export function buildOddsGrid(options: OddsGridOptions = {}): OddsGrid {
  const min = options.min ?? 1 / 32;
  const max = options.max ?? 256;
  const step = options.logStep ?? 0.1;
  if (!(min > 0 && min < 1)) throw new RangeError(`odds grid min must be in (0, 1); got ${min}`);
  if (!(max > 1 && Number.isFinite(max))) throw new RangeError(`odds grid max must be a finite number > 1; got ${max}`);
  if (!(step > 0 && step <= 1)) throw new RangeError(`odds grid logStep must be in (0, 1]; got ${step}`);
  const points = new Set<number>([0]);
  for (let v = -step; v >= log(min) - 1e-12; v -= step) points.add(round(v));
  for (let v = step; v <= log(max) + 1e-12; v += step) points.add(round(v));
  for (const psi of options.include ?? []) {
    if (!(psi >= min && psi <= max)) throw new RangeError(`odds grid include value ${psi} lies outside the grid [${min}, ${max}]`);
    points.add(round(log(psi)));
  }
  const logPsi = Float64Array.from([...points].sort((a, b) => a - b));
  return { logPsi, oneIndex: logPsi.indexOf(0) };
}

/** Index of the grid point equal to psi (which must have been included when the grid was built). */
export function gridIndexOf(grid: OddsGrid, psi: number): number {
  const target = round(log(psi));
  const index = grid.logPsi.indexOf(target);
  if (index < 0) throw new RangeError(`odds ratio ${psi} is not on the grid; pass it in OddsGridOptions.include`);
  return index;
}

/**
 * Log prior weights, uniform in ln(psi) over the grid points inside (lower, upper) (bounds exclusive,
 * in odds-ratio units), -Infinity elsewhere, normalised to sum to one.
 */
export function uniformLogPrior(grid: OddsGrid, lower: number, upper: number): Float64Array {
  const lo = log(lower);
  const hi = log(upper);
  const inside = Array.from(grid.logPsi, (v) => v > lo + 1e-12 && v < hi - 1e-12);
  const count = inside.filter(Boolean).length;
  if (count === 0) throw new RangeError(`no odds grid point lies in (${lower}, ${upper})`);
  return Float64Array.from(inside, (ok) => (ok ? -log(count) : -Infinity));
}

/**
 * Log prior weights with density on ln(psi) proportional to psi^exponent inside (lower, upper),
 * -Infinity elsewhere, normalised to sum to one. Exponent 0 is uniformLogPrior.
 */
export function tiltedLogPrior(grid: OddsGrid, lower: number, upper: number, exponent: number): Float64Array {
  const uniform = uniformLogPrior(grid, lower, upper);
  const tilted = Float64Array.from(uniform, (w, j) => w + exponent * grid.logPsi[j]);
  const norm = logMixture(tilted, new Float64Array(tilted.length));
  return tilted.map((w) => w - norm);
}

/** ln sum_j exp(logPrior[j] + logLik[j]). */
export function logMixture(logPrior: Float64Array, logLik: Float64Array): number {
  let peak = -Infinity;
  for (let j = 0; j < logLik.length; j++) {
    const v = logPrior[j] + logLik[j];
    if (v > peak) peak = v;
  }
  if (peak === -Infinity) return -Infinity;
  let sum = 0;
  for (let j = 0; j < logLik.length; j++) {
    const d = logPrior[j] + logLik[j] - peak;
    if (d > -50) sum += exp(d);
  }
  return peak + log(sum);
}

// Rounding makes grid points and included values compare equal whatever arithmetic produced them.
function round(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

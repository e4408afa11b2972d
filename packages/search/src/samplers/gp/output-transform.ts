/**
 * Losses → GP outputs. Losses are standardized (zero mean, unit variance), and by default first
 * warped by a Yeo-Johnson power transform whose exponent is fitted by maximum likelihood, as HEBO
 * does (Cowen-Rivers et al. 2022): objectives such as Rosenbrock or a diverging learning rate
 * produce losses spanning orders of magnitude, and a stationary GP fitted to the raw values
 * spends its variance on the worst points, with a length scale too short to see the basin where
 * the good ones are. The warp is monotone, so the best point stays the best.
 */

/** How losses are turned into GP outputs. */
export type OutputTransform = 'power' | 'standardize';

/** Mean and (population) standard deviation; a zero spread is reported as 1. */
function moments(v: Float64Array): { mean: number; sd: number } {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let ss = 0;
  for (const x of v) ss += (x - mean) * (x - mean);
  const sd = Math.sqrt(ss / v.length);
  return { mean, sd: sd > 0 && Number.isFinite(sd) ? sd : 1 };
}

function standardizeInPlace(v: Float64Array): Float64Array {
  // Standardizing is scale-free; dividing by the largest magnitude first keeps sums of squares
  // finite for losses near the top of the double range.
  let scale = 0;
  for (const x of v) scale = Math.max(scale, Math.abs(x));
  if (scale > 0 && Number.isFinite(scale)) for (let i = 0; i < v.length; i++) v[i]! /= scale;
  const { mean, sd } = moments(v);
  for (let i = 0; i < v.length; i++) v[i] = (v[i]! - mean) / sd;
  return v;
}

/** The Yeo-Johnson transform of x with exponent λ (Yeo & Johnson 2000). */
export function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) {
    return Math.abs(lambda) < 1e-10 ? Math.log1p(x) : ((1 + x) ** lambda - 1) / lambda;
  }
  const l2 = 2 - lambda;
  return Math.abs(l2) < 1e-10 ? -Math.log1p(-x) : -((1 - x) ** l2 - 1) / l2;
}

/** Profile log-likelihood of λ: the warped data's Gaussian fit plus the log-Jacobian. */
function yeoJohnsonLogLikelihood(x: Float64Array, lambda: number): number {
  const t = new Float64Array(x.length);
  let jacobian = 0;
  for (let i = 0; i < x.length; i++) {
    t[i] = yeoJohnson(x[i]!, lambda);
    jacobian += Math.sign(x[i]!) * Math.log1p(Math.abs(x[i]!));
  }
  let mean = 0;
  for (const v of t) mean += v;
  mean /= t.length;
  let ss = 0;
  for (const v of t) ss += (v - mean) * (v - mean);
  const variance = ss / t.length;
  if (!(variance > 0) || !Number.isFinite(variance)) return Number.NEGATIVE_INFINITY;
  return -0.5 * x.length * Math.log(variance) + (lambda - 1) * jacobian;
}

/** Searched range of λ: beyond it the warp is too violent to be trusted on a few dozen points. */
const LAMBDA_RANGE: readonly [number, number] = [-2, 3];

/** The maximum-likelihood λ, by golden-section search (the profile likelihood is unimodal). */
export function fitYeoJohnson(x: Float64Array): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let [a, b] = LAMBDA_RANGE;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = yeoJohnsonLogLikelihood(x, c);
  let fd = yeoJohnsonLogLikelihood(x, d);
  for (let i = 0; i < 60 && b - a > 1e-6; i++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = yeoJohnsonLogLikelihood(x, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = yeoJohnsonLogLikelihood(x, d);
    }
  }
  return (a + b) / 2;
}

/** Losses → standardized GP outputs (a new array; the input is not modified). */
export function transformLosses(
  losses: ArrayLike<number>,
  transform: OutputTransform,
): Float64Array {
  const y = standardizeInPlace(Float64Array.from(losses));
  if (transform === 'standardize' || y.length < 3) return y;
  const lambda = fitYeoJohnson(y);
  for (let i = 0; i < y.length; i++) y[i] = yeoJohnson(y[i]!, lambda);
  return standardizeInPlace(y);
}

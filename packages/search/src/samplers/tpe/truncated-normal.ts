/**
 * Normal kernels truncated to the unit interval, the building block of TPE's Parzen estimators:
 * probability mass of an interval, the log-density constant and inverse-CDF sampling.
 */
import type { Rng } from '../../random/rng.js';
import {
  normalCdf as importedCdf,
  normalQuantile as importedQuantile,
} from '../../space/normal.js';

// Module-level copies: loaders that compile ESM imports to getters (tsx, vitest) would otherwise
// pay a property lookup per call, and these run once per kernel.
const normalCdf = importedCdf;
const normalQuantile = importedQuantile;

/** Floor added to probabilities before taking logs, as Optuna does (a mass of 0 → log 1e-12). */
export const EPS = 1e-12;

/** ln √(2π). */
export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * P(za < Z < zb) for a standard normal Z. Differences are taken in the tail the interval lies in,
 * where the CDF approximation keeps its relative accuracy (1 − Φ would lose it).
 */
export function normalMass(za: number, zb: number): number {
  if (za >= 0) return normalCdf(-za) - normalCdf(-zb);
  if (zb <= 0) return normalCdf(zb) - normalCdf(za);
  return 1 - normalCdf(za) - normalCdf(-zb);
}

// Below this width (in standard deviations) a cell's mass comes from the density at its centre
// with a second-order correction: exact to ~1e-8 relative, where a difference of two CDF values
// would keep only the CDF's ~1e-7 absolute accuracy.
const NARROW_CELL = 0.05;

/**
 * Mass of N(mu, 1/invSigma²) (not truncated) over [lo, hi]: the discrete kernels' cell mass.
 */
export function kernelCellMass(mu: number, invSigma: number, lo: number, hi: number): number {
  const za = (lo - mu) * invSigma;
  const zb = (hi - mu) * invSigma;
  const h = zb - za;
  if (h < NARROW_CELL) {
    const z = 0.5 * (za + zb);
    // ∫ φ over [z - h/2, z + h/2] = h φ(z) (1 + (z² - 1) h² / 24 + O(h⁴)).
    return h * Math.exp(-0.5 * z * z - LOG_SQRT_2PI) * (1 + ((z * z - 1) * h * h) / 24);
  }
  return normalMass(za, zb);
}

/** Mass of N(mu, sigma²) inside [0, 1]: the normalizer of a kernel truncated to the unit interval. */
export function unitAcceptance(mu: number, sigma: number): number {
  const za = -mu / sigma;
  const zb = (1 - mu) / sigma;
  // Beyond 8.5σ on both sides the tails sum to < 2e-17, and 1 minus that rounds to exactly 1:
  // the shortcut gives the same double as the full computation, without two CDF evaluations.
  if (za < -FAR && zb > FAR) return 1;
  return normalMass(za, zb);
}

const FAR = 8.5;

/**
 * One draw from N(mu, sigma²) truncated to [0, 1], by inverting the CDF (one uniform per draw,
 * so the RNG stream advances by a fixed amount; rejection sampling would not).
 */
export function sampleUnitTruncatedNormal(rng: Rng, mu: number, sigma: number): number {
  const r = rng.next();
  const a = -mu / sigma;
  const b = (1 - mu) / sigma;
  let z: number;
  if (a >= 0) {
    // Whole interval in the upper tail: invert the survival function, where precision lives.
    const qa = normalCdf(-a);
    const qb = normalCdf(-b);
    z = -normalQuantile(qa - r * (qa - qb));
  } else {
    const pa = normalCdf(a);
    const pb = normalCdf(b);
    z = normalQuantile(pa + r * (pb - pa));
  }
  const x = mu + sigma * z;
  // The approximations of Φ and Φ⁻¹ do not invert each other exactly: stay inside the interval.
  return x < 0 ? 0 : x > 1 ? 1 : Number.isNaN(x) ? mu : x;
}

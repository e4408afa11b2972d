/**
 * Log expected improvement (Ament et al. 2023, "Unexpected improvements to expected
 * improvement"). EI itself underflows to exactly 0 a few standard deviations away from the
 * incumbent, which leaves a gradient-based optimizer nothing to climb on most of the space;
 * log-EI stays finite and informative there.
 *
 * Minimization: improvement is best − f. With z = (best − μ)/σ,
 * EI = σ·h(z), h(z) = φ(z) + zΦ(z), and log EI = log σ + log h(z).
 */
import type { GpPosterior, Prediction } from './regression.js';
import { erfcx, HALF_LOG_2PI, log1mexp, logNormalCdf, normalCdf, normalPdf } from './special.js';

/** What the acquisition optimizer maximizes: a function of the features (higher is better). */
export interface Acquisition {
  value(x: Float64Array): number;
  /** The value, with its gradient in the numeric features written into grad (length d). */
  valueAndGradient(x: Float64Array, grad: Float64Array): number;
}

/** log EI under the posterior against the incumbent `best` (lower is better). */
export function logEiAcquisition(posterior: GpPosterior, best: number): Acquisition {
  const pred: Prediction = { mean: 0, variance: 0 };
  const ei: LogEi = { value: 0, dMean: 0, dVariance: 0 };
  const coefficients = (p: Prediction) => {
    logExpectedImprovementWithGradient(p.mean, p.variance, best, ei);
    return { mean: ei.dMean, variance: ei.dVariance };
  };
  return {
    value(x) {
      posterior.predict(x, pred);
      return logExpectedImprovement(pred.mean, pred.variance, best);
    },
    valueAndGradient(x, grad) {
      posterior.predictWithGradient(x, coefficients, grad, pred);
      return ei.value;
    },
  };
}

/** log(π/2)/2. */
const HALF_LOG_PI_OVER_2 = 0.22579135264472744;
/** Beyond −1/√ε, h(z) ≈ φ(z)/z² to double precision. */
const ASYMPTOTIC_Z = -1 / Math.sqrt(Number.EPSILON);

/** log h(z) = log(φ(z) + zΦ(z)), finite for every finite z. */
export function logH(z: number): number {
  if (z > -1) return Math.log(normalPdf(z) + z * normalCdf(z));
  if (z > ASYMPTOTIC_Z) {
    // h = φ(z)·(1 − |z|·erfcx(−z/√2)·√(π/2)): the bracket is computed in log space so that its
    // cancellation (it tends to 1/z²) is handled by log1mexp instead of a subtraction of near-ones.
    const w = Math.log(erfcx(-z / Math.SQRT2) * -z) + HALF_LOG_PI_OVER_2;
    return -0.5 * z * z - HALF_LOG_2PI + log1mexp(w);
  }
  return -0.5 * z * z - HALF_LOG_2PI - 2 * Math.log(-z);
}

/** d log h / dz = Φ(z)/h(z) (since h′ = Φ), computed in log space in the lower tail. */
export function dLogH(z: number): number {
  if (z > -1) return normalCdf(z) / (normalPdf(z) + z * normalCdf(z));
  return Math.exp(logNormalCdf(z) - logH(z));
}

/** log EI of a posterior N(mean, variance) against the incumbent `best` (lower is better). */
export function logExpectedImprovement(mean: number, variance: number, best: number): number {
  const sigma = Math.sqrt(variance);
  return Math.log(sigma) + logH((best - mean) / sigma);
}

/** log EI with its partial derivatives in the posterior mean and variance. */
export interface LogEi {
  value: number;
  dMean: number;
  dVariance: number;
}

/** log EI and its derivatives in the mean and variance, for the chain rule to x. */
export function logExpectedImprovementWithGradient(
  mean: number,
  variance: number,
  best: number,
  out: LogEi = { value: 0, dMean: 0, dVariance: 0 },
): LogEi {
  const sigma = Math.sqrt(variance);
  const z = (best - mean) / sigma;
  const ratio = dLogH(z);
  out.value = Math.log(sigma) + logH(z);
  out.dMean = -ratio / sigma;
  // ∂/∂σ = 1/σ − ratio·z/σ, and ∂σ/∂σ² = 1/(2σ).
  out.dVariance = (1 - ratio * z) / (2 * variance);
  return out;
}

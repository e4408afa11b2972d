/**
 * GP hyperparameters as one vector θ of logs, the space the marginal likelihood is optimized in:
 * θ = [log ℓ₁ … log ℓ_d, log σ_p², log σ_n², log σ_a²] (length scales, product-component
 * variance, noise variance, additive-component variance; see kernel.ts).
 *
 * Priors keep the fit stable with few points, as in BoTorch (whose classic defaults these are,
 * except the noise prior, which is Optuna's GPSampler's). BoTorch's newer dimension-scaled
 * log-normal length-scale prior (Hvarfner et al. 2024) was tried and did worse here on every
 * benchmark function but one: it favours length scales of 5–10 unit cubes, too smooth for d ≤ 10.
 * - ℓ ~ Gamma(3, 6): mode 1/3 of the unit cube, so a few points cannot make the model wiggle
 *   at scales it has no data for, nor flatten a dimension it has seen little of;
 * - σ_p², σ_a² ~ Gamma(2, 0.15): weak, outputs are standardized;
 * - σ_n² ~ Gamma(1.1, 30), at least 1e-6: mean 0.04 of the output variance, so a deterministic
 *   objective is interpolated, while a truly noisy one can still claim more noise.
 * Log densities are taken at the parameter itself (no log-Jacobian), as GPyTorch does.
 */
import type { KernelParams } from './kernel.js';

/** Lower bound on the noise variance of standardized outputs. */
export const MIN_NOISE = 1e-6;

const LOG_LENGTHSCALE_BOUNDS = [Math.log(1e-2), Math.log(1e2)] as const;
const LOG_SCALE_BOUNDS = [Math.log(1e-2), Math.log(1e2)] as const;
const LOG_ADDITIVE_BOUNDS = [Math.log(1e-4), Math.log(1e2)] as const;
const LOG_NOISE_BOUNDS = [Math.log(MIN_NOISE), Math.log(2)] as const;

/** Length of θ for d features. */
export function hyperparameterCount(d: number): number {
  return d + 3;
}

/** Number of features θ is for. */
export function featureCount(theta: Float64Array): number {
  return theta.length - 3;
}

/** Box bounds on θ for d features. */
export function hyperparameterBounds(d: number): { lower: Float64Array; upper: Float64Array } {
  const lower = new Float64Array(d + 3).fill(LOG_LENGTHSCALE_BOUNDS[0]);
  const upper = new Float64Array(d + 3).fill(LOG_LENGTHSCALE_BOUNDS[1]);
  [lower[d], upper[d]] = LOG_SCALE_BOUNDS;
  [lower[d + 1], upper[d + 1]] = LOG_NOISE_BOUNDS;
  [lower[d + 2], upper[d + 2]] = LOG_ADDITIVE_BOUNDS;
  return { lower, upper };
}

/**
 * The starting point of a cold fit: length scales at the prior's mean, most of the variance in
 * the product component, little noise.
 */
export function defaultHyperparameters(d: number): Float64Array {
  const theta = new Float64Array(d + 3).fill(Math.log(0.5));
  theta[d] = 0;
  theta[d + 1] = Math.log(1e-3);
  theta[d + 2] = Math.log(0.1);
  return theta;
}

/** The kernel parameters θ stands for. */
export function kernelParams(theta: Float64Array, categorical: Uint8Array): KernelParams {
  const d = featureCount(theta);
  const rho = new Float64Array(d);
  for (let i = 0; i < d; i++) rho[i] = Math.exp(-2 * theta[i]!);
  return {
    inverseSquaredLengthscales: rho,
    outputScale: Math.exp(theta[d]!),
    additiveScale: Math.exp(theta[d + 2]!),
    categorical,
  };
}

/** The noise variance θ stands for. */
export function noiseVariance(theta: Float64Array): number {
  return Math.exp(theta[featureCount(theta) + 1]!);
}

/** Gamma(α, β) log density of e^t up to a constant, and its derivative in t. */
function gammaOfLog(t: number, alpha: number, beta: number, grad: Float64Array, i: number): number {
  const v = Math.exp(t);
  grad[i]! += alpha - 1 - beta * v;
  return (alpha - 1) * t - beta * v;
}

/** log p(θ) up to a constant; its gradient in θ is added into grad. */
export function addLogPrior(theta: Float64Array, grad: Float64Array): number {
  const d = featureCount(theta);
  let lp = 0;
  for (let i = 0; i < d; i++) lp += gammaOfLog(theta[i]!, 3, 6, grad, i);
  lp += gammaOfLog(theta[d]!, 2, 0.15, grad, d);
  lp += gammaOfLog(theta[d + 1]!, 1.1, 30, grad, d + 1);
  lp += gammaOfLog(theta[d + 2]!, 2, 0.15, grad, d + 2);
  return lp;
}

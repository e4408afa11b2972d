/**
 * GP hyperparameters as one vector θ of logs, the space the marginal likelihood is optimized in:
 * θ = [log ℓ₁ … log ℓ_d, log σ_f², log σ_n²] (length scales, output scale, noise variance).
 *
 * Priors keep the fit stable with few points, as in BoTorch (whose classic defaults these are,
 * except the noise prior, which is Optuna's GPSampler's):
 * - ℓ ~ Gamma(3, 6): mode 1/3 of the unit cube, so a few points cannot make the model wiggle
 *   at scales it has no data for, nor flatten a dimension it has seen little of;
 * - σ_f² ~ Gamma(2, 0.15): weak, outputs are standardized;
 * - σ_n² ~ Gamma(1.1, 30), at least 1e-6: mean 0.04 of the output variance, so a deterministic
 *   objective is interpolated, while a truly noisy one can still claim more noise.
 * Log densities are taken at the parameter itself (no log-Jacobian), as GPyTorch does.
 */
import type { KernelParams } from './kernel.js';

/** Lower bound on the noise variance of standardized outputs. */
export const MIN_NOISE = 1e-6;

const LOG_LENGTHSCALE_BOUNDS = [Math.log(1e-2), Math.log(1e2)] as const;
const LOG_OUTPUT_SCALE_BOUNDS = [Math.log(1e-2), Math.log(1e2)] as const;
const LOG_NOISE_BOUNDS = [Math.log(MIN_NOISE), Math.log(2)] as const;

/** Box bounds on θ for d features. */
export function hyperparameterBounds(d: number): { lower: Float64Array; upper: Float64Array } {
  const lower = new Float64Array(d + 2).fill(LOG_LENGTHSCALE_BOUNDS[0]);
  const upper = new Float64Array(d + 2).fill(LOG_LENGTHSCALE_BOUNDS[1]);
  lower[d] = LOG_OUTPUT_SCALE_BOUNDS[0];
  upper[d] = LOG_OUTPUT_SCALE_BOUNDS[1];
  lower[d + 1] = LOG_NOISE_BOUNDS[0];
  upper[d + 1] = LOG_NOISE_BOUNDS[1];
  return { lower, upper };
}

export const EXPERIMENT = { prior: 'gamma', noiseRate: 30 };

/** The starting point of a cold fit: every length scale at the prior's mean. */
export function defaultHyperparameters(d: number): Float64Array {
  const l0 = EXPERIMENT.prior === 'gamma' ? Math.log(0.5) : Math.SQRT2 + 0.5 * Math.log(d);
  const theta = new Float64Array(d + 2).fill(l0);
  theta[d] = 0;
  theta[d + 1] = Math.log(1e-3);
  return theta;
}

/** The kernel parameters θ stands for. */
export function kernelParams(theta: Float64Array, categorical: Uint8Array): KernelParams {
  const d = theta.length - 2;
  const rho = new Float64Array(d);
  for (let i = 0; i < d; i++) rho[i] = Math.exp(-2 * theta[i]!);
  return { inverseSquaredLengthscales: rho, outputScale: Math.exp(theta[d]!), categorical };
}

/** The noise variance θ stands for. */
export function noiseVariance(theta: Float64Array): number {
  return Math.exp(theta[theta.length - 1]!);
}

/** log p(θ) up to a constant; its gradient in θ is added into grad. */
export function addLogPrior(theta: Float64Array, grad: Float64Array): number {
  const d = theta.length - 2;
  let lp = 0;
  if (EXPERIMENT.prior === 'gamma') {
  for (let i = 0; i < d; i++) {
    // Gamma(3, 6) on ℓ: 2 log ℓ − 6ℓ.
    const l = Math.exp(theta[i]!);
    lp += 2 * theta[i]! - 6 * l;
    grad[i]! += 2 - 6 * l;
  }
  } else {
    const mu = Math.SQRT2 + 0.5 * Math.log(d);
    for (let i = 0; i < d; i++) {
      const z = theta[i]! - mu;
      lp += -z * z / 6;
      grad[i]! += -z / 3;
    }
  }
  // Gamma(2, 0.15) on σ_f²: log σ_f² − 0.15σ_f².
  const s = Math.exp(theta[d]!);
  lp += theta[d]! - 0.15 * s;
  grad[d]! += 1 - 0.15 * s;
  // Gamma(1.1, 30) on σ_n²: 0.1 log σ_n² − 30σ_n².
  const e = Math.exp(theta[d + 1]!);
  lp += 0.1 * theta[d + 1]! - EXPERIMENT.noiseRate * e;
  grad[d + 1]! += 0.1 - EXPERIMENT.noiseRate * e;
  return lp;
}

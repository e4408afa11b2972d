/**
 * Hyperparameters by maximum a posteriori: the log marginal likelihood of the standardized
 * outputs plus the log prior (see hyperparameters.ts), maximized over log parameters with
 * analytic gradients and box-constrained L-BFGS from a few starting points.
 */
import { cholesky, inverse, logDet, NotPositiveDefiniteError, solve } from './cholesky.js';
import {
  addLogPrior,
  featureCount,
  hyperparameterBounds,
  kernelParams,
  noiseVariance,
} from './hyperparameters.js';
import { contractKernelGradient, kernelMatrix } from './kernel.js';
import { minimizeInBox } from './lbfgs.js';

/** Training data for a fit: n points (row-major n × d) and their standardized outputs. */
export interface FitData {
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly categorical: Uint8Array;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log p(y | θ) + log p(θ), with its gradient in θ written into grad.
 *
 * ∂/∂θ log p(y|θ) = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ), α = K⁻¹y (Rasmussen & Williams eq. 5.9).
 */
export function logPosterior(theta: Float64Array, data: FitData, grad: Float64Array): number {
  const { X, y, categorical } = data;
  const n = y.length;
  const d = featureCount(theta);
  const kernel = kernelParams(theta, categorical);
  const noise = noiseVariance(theta);
  const K = kernelMatrix(kernel, X, n);
  for (let i = 0; i < n; i++) K[i * n + i]! += noise;
  const f = cholesky(K, n);
  const alpha = solve(f, Float64Array.from(y));
  let fit = 0;
  for (let i = 0; i < n; i++) fit += y[i]! * alpha[i]!;
  const ll = -0.5 * fit - 0.5 * logDet(f) - n * HALF_LOG_2PI;

  // W = ααᵀ − K⁻¹, overwriting the inverse.
  const W = inverse(f);
  let traceW = 0;
  for (let a = 0; a < n; a++) {
    const ra = a * n;
    const aa = alpha[a]!;
    for (let b = 0; b < n; b++) W[ra + b] = aa * alpha[b]! - W[ra + b]!;
    traceW += W[ra + a]!;
  }
  grad.fill(0);
  const scales = contractKernelGradient(kernel, X, n, W, grad);
  grad[d] = scales.outputScale;
  // ∂K/∂log σ_n² = σ_n² I (jitter, if any was needed, is treated as a constant).
  grad[d + 1] = 0.5 * noise * traceW;
  grad[d + 2] = scales.additiveScale;
  return ll + addLogPrior(theta, grad);
}

/** Where and how long {@link fitHyperparameters} searches. */
export interface FitOptions {
  /** Starting points (θ vectors); the best local optimum over all of them is kept. */
  readonly starts: readonly Float64Array[];
  readonly maxIterations: number;
}

/** The best θ found and its log posterior. */
export interface FitResult {
  readonly theta: Float64Array;
  /** The log posterior at theta. */
  readonly value: number;
}

/** Maximizes the log posterior of θ from each start and keeps the best. */
export function fitHyperparameters(data: FitData, options: FitOptions): FitResult {
  if (options.starts.length === 0) throw new Error('fitHyperparameters: no starting point');
  const { lower, upper } = hyperparameterBounds(featureCount(options.starts[0]!));
  let best: FitResult | undefined;
  for (const start of options.starts) {
    let result: FitResult;
    try {
      const r = minimizeInBox(
        (theta, grad) => {
          const v = logPosterior(theta, data, grad);
          for (let i = 0; i < grad.length; i++) grad[i] = -grad[i]!;
          return -v;
        },
        start,
        {
          lower,
          upper,
          maxIterations: options.maxIterations,
          gradientTolerance: 1e-4,
          // Hundredths of a nat in the log posterior do not move the model: stop there.
          relativeTolerance: 1e-5,
        },
      );
      result = { theta: r.x, value: -r.value };
    } catch (error) {
      // A start so bad that even jittered Cholesky fails: skip it, the others remain.
      if (error instanceof NotPositiveDefiniteError) continue;
      throw error;
    }
    if (Number.isFinite(result.value) && (!best || result.value > best.value)) best = result;
  }
  if (!best) {
    const theta = Float64Array.from(options.starts[0]!);
    return { theta, value: Number.NEGATIVE_INFINITY };
  }
  return best;
}

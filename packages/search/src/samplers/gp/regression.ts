/**
 * Exact GP regression: the posterior of the latent objective given observations with Gaussian
 * noise, y = f(x) + ε, f ~ GP(0, k). Outputs are standardized by the caller, so a zero prior mean
 * means "the average of what was seen"; the prior variance is k(x, x) = σ_p² + σ_a².
 */
import { type CholeskyFactor, cholesky, solve, solveLower, solveUpper } from './cholesky.js';
import {
  addCrossKernelGradient,
  CrossKernel,
  type KernelParams,
  kernelMatrix,
  priorVariance,
} from './kernel.js';

/** Posterior mean and variance of the latent f at one point. */
export interface Prediction {
  mean: number;
  variance: number;
}

/** Variances are floored here: a zero would make log-EI and its gradient blow up. */
const MIN_VARIANCE = 1e-12;

/**
 * The posterior given training points X and outputs y: factorizes K once, then answers mean and
 * variance (and their gradients) at any point. Predictions reuse internal buffers, so one
 * instance must not be used from two places at once (it never is: samplers are synchronous).
 */
export class GpPosterior {
  readonly n: number;
  readonly d: number;
  readonly kernel: KernelParams;
  readonly noise: number;
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly factor: CholeskyFactor;
  /** K⁻¹y, with K = k(X, X) + noise·I. */
  readonly alpha: Float64Array;
  private readonly cross: CrossKernel;
  private readonly kStar: Float64Array;
  private readonly v: Float64Array;
  private readonly slopes: Float64Array;
  private readonly additiveSlopes: Float64Array;

  /**
   * @param X n training points, row-major (n × d)
   * @param y their (standardized) outputs
   * @param noise the noise variance σ_n² added to the diagonal
   */
  constructor(kernel: KernelParams, noise: number, X: Float64Array, y: Float64Array) {
    const d = kernel.inverseSquaredLengthscales.length;
    const n = y.length;
    if (X.length !== n * d) throw new Error(`GpPosterior: X has ${X.length} values, want ${n * d}`);
    this.n = n;
    this.d = d;
    this.kernel = kernel;
    this.noise = noise;
    this.X = X;
    this.y = y;
    const K = kernelMatrix(kernel, X, n);
    for (let i = 0; i < n; i++) K[i * n + i]! += noise;
    this.factor = cholesky(K, n);
    this.alpha = solve(this.factor, Float64Array.from(y));
    this.cross = new CrossKernel(kernel, X, n);
    this.kStar = new Float64Array(n);
    this.v = new Float64Array(n);
    this.slopes = new Float64Array(n);
    this.additiveSlopes = new Float64Array(n * d);
  }

  /** Posterior mean and variance of f(x) (x has d features). */
  predict(x: Float64Array, out: Prediction = { mean: 0, variance: 0 }): Prediction {
    return this.predictFrom(this.cross.values(x, this.kStar), out);
  }

  /** Mean and variance from k(x, X) (in kStar); leaves L⁻¹k in v. */
  private predictFrom(k: Float64Array, out: Prediction): Prediction {
    let mean = 0;
    for (let j = 0; j < this.n; j++) mean += k[j]! * this.alpha[j]!;
    const v = this.v;
    v.set(k);
    solveLower(this.factor, v);
    let explained = 0;
    for (let j = 0; j < this.n; j++) explained += v[j]! * v[j]!;
    out.mean = mean;
    out.variance = Math.max(MIN_VARIANCE, priorVariance(this.kernel) - explained);
    return out;
  }

  /**
   * Like predict, and writes c_mean·∇μ(x) + c_var·∇σ²(x) into grad (numeric features only):
   * ∇μ = Σ_j α_j ∇k_j and ∇σ² = −2 Σ_j (K⁻¹k)_j ∇k_j share one pass over the training points.
   * The coefficients come from the caller's chain rule (e.g. ∂logEI/∂μ, ∂logEI/∂σ²), which it
   * can only know after the prediction, so they are given as a function of it.
   */
  predictWithGradient(
    x: Float64Array,
    coefficients: (p: Prediction) => { mean: number; variance: number },
    grad: Float64Array,
    out: Prediction = { mean: 0, variance: 0 },
  ): Prediction {
    const k = this.cross.values(x, this.kStar, this.slopes, this.additiveSlopes);
    this.predictFrom(k, out);
    const c = coefficients(out);
    // w = K⁻¹k from the forward solve predictFrom left in v.
    const w = solveUpper(this.factor, this.v);
    // Below the variance floor, σ² is flat in x.
    const varCoef = out.variance > MIN_VARIANCE ? c.variance : 0;
    // Per training point, the weight of ∇k_j in the gradient (w is overwritten in place).
    const weights = w;
    for (let j = 0; j < this.n; j++) {
      weights[j] = c.mean * this.alpha[j]! - 2 * varCoef * w[j]!;
    }
    grad.fill(0);
    addCrossKernelGradient(
      this.kernel,
      x,
      this.X,
      this.n,
      weights,
      this.slopes,
      this.additiveSlopes,
      grad,
    );
    return out;
  }

  /**
   * The posterior after also observing f at the pending points with values equal to the current
   * posterior mean (the kriging believer of Ginsbourger et al. 2010): the mean is unchanged, the
   * variance collapses around the pending points, so the next suggestion looks elsewhere.
   * @param P pending points, row-major (m × d)
   */
  withBelievedPoints(P: Float64Array): GpPosterior {
    const m = P.length / this.d;
    if (m === 0) return this;
    const X = new Float64Array(this.X.length + P.length);
    X.set(this.X);
    X.set(P, this.X.length);
    const y = new Float64Array(this.n + m);
    y.set(this.y);
    const row = new Float64Array(this.d);
    const pred: Prediction = { mean: 0, variance: 0 };
    for (let i = 0; i < m; i++) {
      row.set(P.subarray(i * this.d, (i + 1) * this.d));
      y[this.n + i] = this.predict(row, pred).mean;
    }
    return new GpPosterior(this.kernel, this.noise, X, y);
  }
}

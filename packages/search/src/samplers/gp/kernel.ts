/**
 * Matérn-5/2 kernel with one length scale per feature (ARD), as BoTorch and Optuna use for
 * Bayesian optimization: twice differentiable, so the acquisition function has smooth gradients,
 * but rough enough for real objectives (the squared exponential is too smooth for most).
 *
 * Features are the search space's coordinates: unit coordinates for numeric dimensions, value
 * indices for categorical ones. A categorical feature contributes [a ≠ b]/ℓ² to the squared
 * distance, which is the one-hot Euclidean distance (2 per mismatch) with one length scale
 * shared by the value columns of that parameter, without materializing the columns.
 *
 * Points are rows of a row-major Float64Array (n × d).
 */

const SQRT5 = Math.sqrt(5);

/** Kernel parameters in the form the hot loops want them. */
export interface KernelParams {
  /** 1/ℓᵢ² per feature. */
  readonly inverseSquaredLengthscales: Float64Array;
  /** σ_f², the prior variance of the latent function. */
  readonly outputScale: number;
  /** 1 where a feature is categorical (Hamming distance), 0 where it is numeric. */
  readonly categorical: Uint8Array;
}

/** Squared scaled distance between row ia of A and row ib of B. */
export function squaredDistance(
  p: KernelParams,
  A: Float64Array,
  ia: number,
  B: Float64Array,
  ib: number,
): number {
  const rho = p.inverseSquaredLengthscales;
  const cat = p.categorical;
  const d = rho.length;
  const oa = ia * d;
  const ob = ib * d;
  let r2 = 0;
  for (let i = 0; i < d; i++) {
    const delta = A[oa + i]! - B[ob + i]!;
    r2 += cat[i] ? (delta !== 0 ? rho[i]! : 0) : delta * delta * rho[i]!;
  }
  return r2;
}

/** Matérn-5/2 correlation at squared distance r²: (1 + √5 r + 5r²/3)·e^(−√5 r). */
export function matern52(r2: number): number {
  const r = Math.sqrt(r2);
  return (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

/**
 * −2·∂k/∂(r²) for the unit-scale Matérn-5/2: (5/3)(1 + √5 r)·e^(−√5 r). Finite at r = 0, which is
 * why gradients are written in terms of r² rather than r.
 */
export function matern52Slope(r2: number): number {
  const r = Math.sqrt(r2);
  return (5 / 3) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

/** The n × n kernel matrix of the rows of X (no noise term). */
export function kernelMatrix(p: KernelParams, X: Float64Array, n: number): Float64Array {
  const K = new Float64Array(n * n);
  const s = p.outputScale;
  for (let a = 0; a < n; a++) {
    K[a * n + a] = s;
    for (let b = 0; b < a; b++) {
      const k = s * matern52(squaredDistance(p, X, a, X, b));
      K[a * n + b] = k;
      K[b * n + a] = k;
    }
  }
  return K;
}

/** k(x, X_j) for every row j of X, written into out (length n). */
export function crossKernel(
  p: KernelParams,
  x: Float64Array,
  X: Float64Array,
  n: number,
  out: Float64Array,
): Float64Array {
  const s = p.outputScale;
  for (let j = 0; j < n; j++) out[j] = s * matern52(squaredDistance(p, x, 0, X, j));
  return out;
}

/**
 * Σ_j c_j ∇ₓ k(x, X_j) over the numeric features, added into grad (length d); categorical
 * features get no gradient (they are searched by enumeration, not by gradient steps).
 */
export function addCrossKernelGradient(
  p: KernelParams,
  x: Float64Array,
  X: Float64Array,
  n: number,
  c: Float64Array,
  grad: Float64Array,
): void {
  const rho = p.inverseSquaredLengthscales;
  const cat = p.categorical;
  const d = rho.length;
  const s = p.outputScale;
  for (let j = 0; j < n; j++) {
    const cj = c[j]!;
    if (cj === 0) continue;
    // ∂k/∂xᵢ = −σ²·slope(r²)·(xᵢ − X_ji)/ℓᵢ²
    const w = -cj * s * matern52Slope(squaredDistance(p, x, 0, X, j));
    const o = j * d;
    for (let i = 0; i < d; i++) {
      if (!cat[i]) grad[i]! += w * (x[i]! - X[o + i]!) * rho[i]!;
    }
  }
}

/**
 * The contractions ½ Σ_ab W_ab ∂K_ab/∂θ for θ = log ℓᵢ (into grad[0..d)) and θ = log σ_f² (the
 * return value), for a symmetric W. This is the kernel part of the marginal-likelihood gradient
 * with W = ααᵀ − K⁻¹; one pass over the pairs serves all d + 1 parameters.
 */
export function contractKernelGradient(
  p: KernelParams,
  X: Float64Array,
  n: number,
  W: Float64Array,
  grad: Float64Array,
): number {
  const rho = p.inverseSquaredLengthscales;
  const cat = p.categorical;
  const d = rho.length;
  const s = p.outputScale;
  let gScale = 0;
  for (let a = 0; a < n; a++) {
    const oa = a * d;
    gScale += 0.5 * W[a * n + a]! * s;
    for (let b = 0; b < a; b++) {
      const r2 = squaredDistance(p, X, a, X, b);
      const wab = W[a * n + b]!;
      // Off-diagonal pairs appear twice in the sum, cancelling the ½.
      gScale += wab * s * matern52(r2);
      // ∂k/∂log ℓᵢ = σ²·slope(r²)·Δᵢ²/ℓᵢ²
      const w = wab * s * matern52Slope(r2);
      const ob = b * d;
      for (let i = 0; i < d; i++) {
        const delta = X[oa + i]! - X[ob + i]!;
        const sq = cat[i] ? (delta !== 0 ? 1 : 0) : delta * delta;
        grad[i]! += w * sq * rho[i]!;
      }
    }
  }
  return gScale;
}

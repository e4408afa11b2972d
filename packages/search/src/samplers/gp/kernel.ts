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
  /** σ_p², the variance of the product (all-features) Matérn component. */
  readonly outputScale: number;
  /** σ_a², the variance of the additive component (1/d)·Σᵢ Matérn(|Δᵢ|/ℓᵢ); 0 to disable. */
  readonly additiveScale: number;
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

/** The per-feature scaled squared distance sᵢ = Δᵢ²/ℓᵢ² (Hamming for categoricals). */
function featureDistance(cat: number, delta: number, rho: number): number {
  return cat ? (delta !== 0 ? rho : 0) : delta * delta * rho;
}

/** k(A_ia, B_ib) including both components. */
export function kernelValue(
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
  let add = 0;
  const additive = p.additiveScale > 0;
  for (let i = 0; i < d; i++) {
    const si = featureDistance(cat[i]!, A[oa + i]! - B[ob + i]!, rho[i]!);
    r2 += si;
    if (additive) add += matern52(si);
  }
  return p.outputScale * matern52(r2) + (additive ? (p.additiveScale / d) * add : 0);
}

/** Prior variance k(x, x). */
export function priorVariance(p: KernelParams): number {
  return p.outputScale + p.additiveScale;
}

/** The n × n kernel matrix of the rows of X (no noise term). */
export function kernelMatrix(p: KernelParams, X: Float64Array, n: number): Float64Array {
  const K = new Float64Array(n * n);
  const s = priorVariance(p);
  for (let a = 0; a < n; a++) {
    K[a * n + a] = s;
    for (let b = 0; b < a; b++) {
      const k = kernelValue(p, X, a, X, b);
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
  for (let j = 0; j < n; j++) out[j] = kernelValue(p, x, 0, X, j);
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
  const sa = p.additiveScale / d;
  for (let j = 0; j < n; j++) {
    const cj = c[j]!;
    if (cj === 0) continue;
    // ∂k/∂xᵢ = −(σ_p²·slope(r²) + σ_a²/d·slope(sᵢ))·(xᵢ − X_ji)/ℓᵢ²
    const w = -cj * s * matern52Slope(squaredDistance(p, x, 0, X, j));
    const o = j * d;
    for (let i = 0; i < d; i++) {
      if (cat[i]) continue;
      const delta = x[i]! - X[o + i]!;
      const wa = sa > 0 ? -cj * sa * matern52Slope(delta * delta * rho[i]!) : 0;
      grad[i]! += (w + wa) * delta * rho[i]!;
    }
  }
}

/**
 * The contractions ½ Σ_ab W_ab ∂K_ab/∂θ for θ = log ℓᵢ (into grad[0..d)), θ = log σ_p² and
 * θ = log σ_a² (returned), for a symmetric W. This is the kernel part of the marginal-likelihood
 * gradient with W = ααᵀ − K⁻¹; one pass over the pairs serves all d + 2 parameters.
 */
export function contractKernelGradient(
  p: KernelParams,
  X: Float64Array,
  n: number,
  W: Float64Array,
  grad: Float64Array,
): { outputScale: number; additiveScale: number } {
  const rho = p.inverseSquaredLengthscales;
  const cat = p.categorical;
  const d = rho.length;
  const s = p.outputScale;
  const sa = p.additiveScale / d;
  let gScale = 0;
  let gAdd = 0;
  const sq = new Float64Array(d);
  for (let a = 0; a < n; a++) {
    const oa = a * d;
    gScale += 0.5 * W[a * n + a]! * s;
    gAdd += 0.5 * W[a * n + a]! * p.additiveScale;
    for (let b = 0; b < a; b++) {
      const ob = b * d;
      let r2 = 0;
      for (let i = 0; i < d; i++) {
        const si = featureDistance(cat[i]!, X[oa + i]! - X[ob + i]!, rho[i]!);
        sq[i] = si;
        r2 += si;
      }
      const wab = W[a * n + b]!;
      // Off-diagonal pairs appear twice in the sum, cancelling the ½.
      gScale += wab * s * matern52(r2);
      // ∂k/∂log ℓᵢ = (σ_p²·slope(r²) + σ_a²/d·slope(sᵢ))·sᵢ
      const w = wab * s * matern52Slope(r2);
      if (sa > 0) {
        for (let i = 0; i < d; i++) {
          const si = sq[i]!;
          gAdd += wab * sa * matern52(si);
          grad[i]! += (w + wab * sa * matern52Slope(si)) * si;
        }
      } else {
        for (let i = 0; i < d; i++) grad[i]! += w * sq[i]!;
      }
    }
  }
  return { outputScale: gScale, additiveScale: gAdd };
}

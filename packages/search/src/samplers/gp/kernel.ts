/**
 * The GP's covariance: a Matérn-5/2 kernel with one length scale per feature (ARD), as BoTorch
 * and Optuna use for Bayesian optimization (twice differentiable, so the acquisition has smooth
 * gradients, yet rough enough for real objectives), plus an additive component over the same
 * length scales:
 *
 *   k(x, x′) = σ_p²·M(r) + (σ_a²/d)·Σᵢ M(rᵢ),  rᵢ² = sᵢ = Δᵢ²/ℓᵢ²,  r² = Σᵢ sᵢ,
 *   M(r) = (1 + √5 r + 5r²/3)·e^(−√5 r).
 *
 * The additive part (Duvenaud et al. 2011, "Additive Gaussian processes") lets what is learned
 * about one parameter carry over to points that differ in the others. Hyperparameter effects are
 * largely additive (main effects dominate in fANOVA studies), and without it a product kernel
 * cannot tell that moving one parameter into another basin helps until it has sampled there. Its
 * weight σ_a² is fitted with the rest and shrinks when the data show no additive structure.
 *
 * Features are the search space's coordinates: unit coordinates for numeric dimensions, value
 * indices for categorical ones. A categorical feature contributes sᵢ = [a ≠ b]/ℓᵢ², the one-hot
 * Euclidean distance (2 per mismatch) with one length scale shared by that parameter's value
 * columns, without materializing the columns.
 *
 * Points are rows of a row-major Float64Array (n × d).
 *
 * Speed: exp(−aᵢ|xᵢ − yᵢ|), aᵢ = √5/ℓᵢ, factors into exp(∓aᵢxᵢ)·exp(±aᵢyᵢ), so with those
 * factors precomputed per point a pair costs one exp (the product term's) instead of d + 1.
 * Coordinates lie in [0, 1] and ℓ ≥ 0.01, so the factors stay within e^±224, far from overflow.
 */

const SQRT5 = Math.sqrt(5);

/** Kernel parameters in the form the hot loops want them. */
export interface KernelParams {
  /** 1/ℓᵢ² per feature. */
  readonly inverseSquaredLengthscales: Float64Array;
  /** σ_p², the variance of the product (all-features) component. */
  readonly outputScale: number;
  /** σ_a², the variance of the additive component; 0 disables it. */
  readonly additiveScale: number;
  /** 1 where a feature is categorical (Hamming distance), 0 where it is numeric. */
  readonly categorical: Uint8Array;
}

/** Matérn-5/2 correlation at squared distance r². */
export function matern52(r2: number): number {
  const r = Math.sqrt(r2);
  return (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

/**
 * −2·∂M/∂(r²) = (5/3)(1 + √5 r)·e^(−√5 r). Finite at r = 0, which is why gradients are written in
 * terms of r² rather than r.
 */
export function matern52Slope(r2: number): number {
  const r = Math.sqrt(r2);
  return (5 / 3) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

/** Prior variance k(x, x). */
export function priorVariance(p: KernelParams): number {
  return p.outputScale + p.additiveScale;
}

/** The per-feature scaled squared distance sᵢ (Hamming for categoricals). */
function featureDistance(categorical: number, delta: number, rho: number): number {
  return categorical ? (delta !== 0 ? rho : 0) : delta * delta * rho;
}

/**
 * k(A_ia, B_ib), straight from the definition: the reference the fast paths are tested against.
 */
export function kernelValue(
  p: KernelParams,
  A: Float64Array,
  ia: number,
  B: Float64Array,
  ib: number,
): number {
  const rho = p.inverseSquaredLengthscales;
  const d = rho.length;
  let r2 = 0;
  let add = 0;
  for (let i = 0; i < d; i++) {
    const s = featureDistance(p.categorical[i]!, A[ia * d + i]! - B[ib * d + i]!, rho[i]!);
    r2 += s;
    add += matern52(s);
  }
  return p.outputScale * matern52(r2) + (p.additiveScale / d) * add;
}

/** Per point and numeric feature, exp(+aᵢxᵢ) and exp(−aᵢxᵢ) (see the module comment). */
interface ExpFactors {
  readonly a: Float64Array;
  readonly plus: Float64Array;
  readonly minus: Float64Array;
}

function expFactors(p: KernelParams, X: Float64Array, n: number): ExpFactors {
  const rho = p.inverseSquaredLengthscales;
  const d = rho.length;
  const a = Float64Array.from(rho, (r) => SQRT5 * Math.sqrt(r));
  const plus = new Float64Array(n * d);
  const minus = new Float64Array(n * d);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < d; i++) {
      if (p.categorical[i]) continue;
      const t = a[i]! * X[j * d + i]!;
      plus[j * d + i] = Math.exp(t);
      minus[j * d + i] = Math.exp(-t);
    }
  }
  return { a, plus, minus };
}

/**
 * One pass over the pairs of rows of X: calls visit(a, b, product, productSlope) for b < a, after
 * writing the per-feature sᵢ, M(sᵢ) and slope(sᵢ) of the pair into s, m and slope.
 */
function forEachPair(
  p: KernelParams,
  X: Float64Array,
  n: number,
  s: Float64Array,
  m: Float64Array,
  slope: Float64Array,
  visit: (a: number, b: number, r2: number, e: number) => void,
): void {
  const rho = p.inverseSquaredLengthscales;
  const cat = p.categorical;
  const d = rho.length;
  const f = expFactors(p, X, n);
  const mismatch = Float64Array.from(rho, (r) => matern52(r));
  const mismatchSlope = Float64Array.from(rho, (r) => matern52Slope(r));
  for (let a = 0; a < n; a++) {
    const oa = a * d;
    for (let b = 0; b < a; b++) {
      const ob = b * d;
      let r2 = 0;
      for (let i = 0; i < d; i++) {
        const delta = X[oa + i]! - X[ob + i]!;
        if (cat[i]) {
          const same = delta === 0;
          s[i] = same ? 0 : rho[i]!;
          m[i] = same ? 1 : mismatch[i]!;
          slope[i] = same ? 5 / 3 : mismatchSlope[i]!;
        } else {
          const t = f.a[i]! * Math.abs(delta);
          const e =
            delta >= 0 ? f.minus[oa + i]! * f.plus[ob + i]! : f.plus[oa + i]! * f.minus[ob + i]!;
          s[i] = delta * delta * rho[i]!;
          m[i] = (1 + t + (t * t) / 3) * e;
          slope[i] = (5 / 3) * (1 + t) * e;
        }
        r2 += s[i]!;
      }
      visit(a, b, r2, Math.exp(-SQRT5 * Math.sqrt(r2)));
    }
  }
}

/** The n × n kernel matrix of the rows of X (no noise term). */
export function kernelMatrix(p: KernelParams, X: Float64Array, n: number): Float64Array {
  const d = p.inverseSquaredLengthscales.length;
  const K = new Float64Array(n * n);
  const diag = priorVariance(p);
  const sa = p.additiveScale / d;
  const s = new Float64Array(d);
  const m = new Float64Array(d);
  const slope = new Float64Array(d);
  for (let a = 0; a < n; a++) K[a * n + a] = diag;
  forEachPair(p, X, n, s, m, slope, (a, b, r2, e) => {
    let add = 0;
    for (let i = 0; i < d; i++) add += m[i]!;
    const r = Math.sqrt(r2);
    const k = p.outputScale * (1 + SQRT5 * r + (5 / 3) * r2) * e + sa * add;
    K[a * n + b] = k;
    K[b * n + a] = k;
  });
  return K;
}

/**
 * The contractions ½ Σ_ab W_ab ∂K_ab/∂θ for θ = log ℓᵢ (added into grad[0..d)), θ = log σ_p²
 * and θ = log σ_a² (returned), for a symmetric W. This is the kernel part of the
 * marginal-likelihood gradient with W = ααᵀ − K⁻¹; one pass over the pairs serves all d + 2.
 *
 * ∂k/∂log ℓᵢ = (σ_p²·slope(r²) + σ_a²/d·slope(sᵢ))·sᵢ.
 */
export function contractKernelGradient(
  p: KernelParams,
  X: Float64Array,
  n: number,
  W: Float64Array,
  grad: Float64Array,
): { outputScale: number; additiveScale: number } {
  const d = p.inverseSquaredLengthscales.length;
  const sp = p.outputScale;
  const sa = p.additiveScale / d;
  let traceW = 0;
  for (let a = 0; a < n; a++) traceW += W[a * n + a]!;
  // Diagonal: ∂k(x, x) is σ_p² resp. σ_a², and zero for the length scales.
  let gScale = 0.5 * traceW * sp;
  let gAdd = 0.5 * traceW * p.additiveScale;
  const s = new Float64Array(d);
  const m = new Float64Array(d);
  const slope = new Float64Array(d);
  forEachPair(p, X, n, s, m, slope, (a, b, r2, e) => {
    // Off-diagonal pairs appear twice in the sum, cancelling the ½.
    const w = W[a * n + b]!;
    const r = Math.sqrt(r2);
    gScale += w * sp * (1 + SQRT5 * r + (5 / 3) * r2) * e;
    const productSlope = w * sp * (5 / 3) * (1 + SQRT5 * r) * e;
    const ws = w * sa;
    for (let i = 0; i < d; i++) {
      gAdd += ws * m[i]!;
      grad[i]! += (productSlope + ws * slope[i]!) * s[i]!;
    }
  });
  return { outputScale: gScale, additiveScale: gAdd };
}

/**
 * k(x, ·) against a fixed training set, the hot loop of prediction, with the training side's
 * exp factors precomputed once.
 */
export class CrossKernel {
  private readonly d: number;
  private readonly f: ExpFactors;
  private readonly sa: number;
  /** M(ρᵢ): the additive term of a categorical mismatch (a match contributes 1). */
  private readonly mismatch: Float64Array;
  private readonly xPlus: Float64Array;
  private readonly xMinus: Float64Array;

  constructor(
    private readonly p: KernelParams,
    private readonly X: Float64Array,
    private readonly n: number,
  ) {
    const rho = p.inverseSquaredLengthscales;
    this.d = rho.length;
    this.sa = p.additiveScale / this.d;
    this.f = expFactors(p, X, n);
    this.mismatch = Float64Array.from(rho, (r) => matern52(r));
    this.xPlus = new Float64Array(this.d);
    this.xMinus = new Float64Array(this.d);
  }

  /**
   * k(x, X_j) for every j into out; with slopes given, also the factors of the gradient in x:
   * slopes[j] = σ_p²·slope(r_j²), additiveSlopes[j·d + i] = σ_a²/d·slope(s_ji), so that
   * ∂k_j/∂xᵢ = −(slopes[j] + additiveSlopes[j·d + i])·(xᵢ − X_ji)/ℓᵢ².
   */
  values(
    x: Float64Array,
    out: Float64Array,
    slopes?: Float64Array,
    additiveSlopes?: Float64Array,
  ): Float64Array {
    const { d, n, X, sa, f } = this;
    const rho = this.p.inverseSquaredLengthscales;
    const cat = this.p.categorical;
    const s = this.p.outputScale;
    for (let i = 0; i < d; i++) {
      if (cat[i]) continue;
      this.xPlus[i] = Math.exp(f.a[i]! * x[i]!);
      this.xMinus[i] = Math.exp(-f.a[i]! * x[i]!);
    }
    for (let j = 0; j < n; j++) {
      const o = j * d;
      let r2 = 0;
      let add = 0;
      for (let i = 0; i < d; i++) {
        const delta = x[i]! - X[o + i]!;
        if (cat[i]) {
          if (delta !== 0) {
            r2 += rho[i]!;
            add += this.mismatch[i]!;
          } else {
            add += 1;
          }
          if (additiveSlopes) additiveSlopes[o + i] = 0;
          continue;
        }
        r2 += delta * delta * rho[i]!;
        const t = f.a[i]! * Math.abs(delta);
        const e = delta >= 0 ? this.xMinus[i]! * f.plus[o + i]! : this.xPlus[i]! * f.minus[o + i]!;
        add += (1 + t + (t * t) / 3) * e;
        if (additiveSlopes) additiveSlopes[o + i] = sa * (5 / 3) * (1 + t) * e;
      }
      const r = Math.sqrt(r2);
      const e = Math.exp(-SQRT5 * r);
      out[j] = s * (1 + SQRT5 * r + (5 / 3) * r2) * e + sa * add;
      if (slopes) slopes[j] = s * (5 / 3) * (1 + SQRT5 * r) * e;
    }
    return out;
  }
}

/**
 * Σ_j c_j ∇ₓ k(x, X_j) over the numeric features, added into grad (length d), from the factors
 * CrossKernel.values left; categorical features get no gradient (they are searched by
 * enumeration, not by gradient steps).
 */
export function addCrossKernelGradient(
  p: KernelParams,
  x: Float64Array,
  X: Float64Array,
  n: number,
  c: Float64Array,
  slopes: Float64Array,
  additiveSlopes: Float64Array,
  grad: Float64Array,
): void {
  const rho = p.inverseSquaredLengthscales;
  const cat = p.categorical;
  const d = rho.length;
  for (let j = 0; j < n; j++) {
    const cj = c[j]!;
    if (cj === 0) continue;
    const o = j * d;
    const w = slopes[j]!;
    for (let i = 0; i < d; i++) {
      if (cat[i]) continue;
      grad[i]! -= cj * (w + additiveSlopes[o + i]!) * (x[i]! - X[o + i]!) * rho[i]!;
    }
  }
}

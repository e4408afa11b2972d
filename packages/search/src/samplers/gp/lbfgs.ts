/**
 * Box-constrained L-BFGS by projection: the L-BFGS direction is taken over the variables that are
 * free (not pinned at a bound by their gradient), and a backtracking Armijo search runs along the
 * projected path. This is simpler than L-BFGS-B's Cauchy-point machinery and does as well on the
 * small, smooth problems here (a handful of log hyperparameters; an acquisition in [0, 1]^d).
 */

/** Writes ∇f(x) into grad and returns f(x). */
export type ValueAndGradient = (x: Float64Array, grad: Float64Array) => number;

/** Bounds and stopping rules of {@link minimizeInBox}. */
export interface MinimizeOptions {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly maxIterations: number;
  /** Stop when the projected gradient's largest component is below this. */
  readonly gradientTolerance?: number;
  /** Stop when an accepted step improves f by less than this, relative to max(1, |f|). */
  readonly relativeTolerance?: number;
  /** Number of correction pairs kept. */
  readonly memory?: number;
}

/** The best point found, its value, and the work it took. */
export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** Minimizes f over the box [lower, upper], starting from x0 (projected into the box). */
export function minimizeInBox(
  f: ValueAndGradient,
  x0: Float64Array,
  options: MinimizeOptions,
): MinimizeResult {
  const { lower, upper, maxIterations } = options;
  const gtol = options.gradientTolerance ?? 1e-6;
  const ftol = options.relativeTolerance ?? 1e-10;
  const memory = options.memory ?? 8;
  const n = x0.length;
  const project = (v: Float64Array) => {
    for (let i = 0; i < n; i++) v[i] = Math.min(upper[i]!, Math.max(lower[i]!, v[i]!));
    return v;
  };

  let x: Float64Array = project(Float64Array.from(x0));
  let g: Float64Array = new Float64Array(n);
  let fx = f(x, g);
  let evaluations = 1;
  let iterations = 0;
  if (!Number.isFinite(fx)) return { x, value: fx, iterations, evaluations };

  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rhos: number[] = [];
  const free = new Uint8Array(n);
  const dir = new Float64Array(n);
  const alphas = new Float64Array(memory);
  let xn: Float64Array = new Float64Array(n);
  let gn: Float64Array = new Float64Array(n);

  for (; iterations < maxIterations; iterations++) {
    let pg = 0;
    for (let i = 0; i < n; i++) {
      const atLower = x[i]! <= lower[i]! && g[i]! > 0;
      const atUpper = x[i]! >= upper[i]! && g[i]! < 0;
      free[i] = atLower || atUpper ? 0 : 1;
      if (free[i]) pg = Math.max(pg, Math.abs(g[i]!));
    }
    if (pg < gtol) break;

    // Two-loop recursion on the free part of the gradient.
    for (let i = 0; i < n; i++) dir[i] = free[i] ? -g[i]! : 0;
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = rhos[j]! * dot(S[j]!, dir);
      alphas[j] = a;
      const yj = Y[j]!;
      for (let i = 0; i < n; i++) dir[i]! -= a * yj[i]!;
    }
    if (k > 0) {
      const gamma = dot(S[k - 1]!, Y[k - 1]!) / dot(Y[k - 1]!, Y[k - 1]!);
      for (let i = 0; i < n; i++) dir[i]! *= gamma;
    }
    for (let j = 0; j < k; j++) {
      const b = rhos[j]! * dot(Y[j]!, dir);
      const sj = S[j]!;
      for (let i = 0; i < n; i++) dir[i]! += (alphas[j]! - b) * sj[i]!;
    }
    for (let i = 0; i < n; i++) if (!free[i]) dir[i] = 0;
    let slope = dot(dir, g);
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs gone stale at the bounds): restart as steepest descent.
      S.length = 0;
      Y.length = 0;
      rhos.length = 0;
      for (let i = 0; i < n; i++) dir[i] = free[i] ? -g[i]! : 0;
      slope = dot(dir, g);
    }
    // Without curvature information the gradient's scale is arbitrary: start with a unit max step.
    let step = S.length === 0 ? 1 / Math.max(1e-12, pg) : 1;
    let accepted = false;
    let fn = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < n; i++) xn[i] = x[i]! + step * dir[i]!;
      project(xn);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += g[i]! * (xn[i]! - x[i]!);
      fn = f(xn, gn);
      evaluations++;
      if (Number.isFinite(fn) && fn <= fx + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xn[i]! - x[i]!;
      y[i] = gn[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * dot(y, y)) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rhos.shift();
      }
      S.push(s);
      Y.push(y);
      rhos.push(1 / sy);
    }
    const improvement = fx - fn;
    [x, xn] = [xn, x];
    [g, gn] = [gn, g];
    fx = fn;
    if (improvement <= ftol * Math.max(1, Math.abs(fx))) {
      iterations++;
      break;
    }
  }
  return { x, value: fx, iterations, evaluations };
}

/**
 * TPE's Parzen estimator (Bergstra et al. 2011; Optuna 3.1's `_ParzenEstimator`): a weighted
 * mixture with one kernel per observation plus one prior kernel, over the unit coordinates of
 * the search space.
 *
 * - Numeric dimensions: normal kernels truncated to [0, 1]. Univariate bandwidths are Optuna's
 *   adaptive ones (distance to the farther neighbour among the sorted centres, the prior's 0.5
 *   included), multivariate ones follow Scott's rule; both are clipped to
 *   [1 / min(100, kernels + 1), 1] ("magic clip"). The prior kernel is N(0.5, 1).
 * - Discrete dimensions: the same kernels, scored by their mass over the value's cell.
 * - Categorical dimensions: each observation's kernel puts 1 + w on its category and w on every
 *   category (w = priorWeight / (observations + 1)), normalized; the prior is uniform.
 */
import type { Rng } from '../../random/rng.js';
import type { Discretizer } from './discrete-cells.js';
import type { ModelDimension } from './model-space.js';
import { defaultWeights } from './options.js';
import {
  NEGLIGIBLE_TERM,
  type SortedKernels,
  sortedLogSumExp,
  sortKernels,
} from './sorted-kernels.js';
import {
  EPS,
  kernelCellMass,
  LOG_SQRT_2PI,
  sampleUnitTruncatedNormal,
  unitAcceptance,
} from './truncated-normal.js';

/** Scott's-rule scale of multivariate bandwidths (Optuna's SIGMA0_MAGNITUDE, from BOHB). */
const SIGMA0_MAGNITUDE = 0.2;

/** Kernels of one numeric dimension; index `observations` is the prior. */
export interface NumericKernels {
  readonly kind: 'numeric';
  /** Present for discrete dimensions: densities become masses over cells. */
  readonly cells: Discretizer | undefined;
  readonly mu: Float64Array;
  readonly sigma: Float64Array;
  readonly invSigma: Float64Array;
  /**
   * -ln(√(2π) σ) - ln(mass in [0, 1]): the log-density constant of each truncated kernel
   * (without the -ln σ when scores are bandwidth-weighted).
   */
  readonly logNorm: Float64Array;
  /** ln(mass in [0, 1] + EPS), the normalizer of discrete masses. */
  readonly logAccept: Float64Array;
  /** ln(weight) + logNorm: the whole constant of a kernel's log term. */
  readonly logWeightNorm: Float64Array;
  /** Univariate continuous dimensions: the kernels sorted by centre, for fast scoring. */
  readonly sorted: SortedKernels | undefined;
}

/** Kernels of one categorical dimension; index `observations` is the (uniform) prior. */
export interface CategoricalKernels {
  readonly kind: 'categorical';
  readonly choices: number;
  /** The observed category of each kernel (-1 for the prior). */
  readonly observed: Int32Array;
  /** ln P(c) under an observation's kernel: its own category, and any other. */
  readonly logHit: number;
  readonly logMiss: number;
}

export type DimensionKernels = NumericKernels | CategoricalKernels;

/** What an estimator is built from. */
export interface ParzenInput {
  readonly dims: readonly ModelDimension[];
  /** Model coordinates of the observations, oldest first (weights depend on the order). */
  readonly points: readonly Float64Array[];
  /**
   * Optional, per numeric dimension: the observation indices ordered by (coordinate, index),
   * when the caller keeps them sorted already; computed here when missing.
   */
  readonly sorted?: readonly (Int32Array | undefined)[];
}

/** How an estimator is shaped (Optuna's `_ParzenEstimatorParameters`). */
export interface ParzenParameters {
  readonly priorWeight: number;
  readonly considerEndpoints: boolean;
  readonly multivariate: boolean;
  /**
   * Leave -ln σ out of continuous kernels' log-densities, as Optuna 3.1 does (see `TpeScoring`):
   * kernels then score in proportion to their bandwidth.
   */
  readonly bandwidthWeightedScores: boolean;
}

/** A fitted Parzen estimator: the mixture's weights and its kernels in every dimension. */
export interface ParzenEstimator {
  /** Number of observations; kernels number one more (the prior). */
  readonly observations: number;
  /** ln of each kernel's normalized mixture weight. */
  readonly logWeights: Float64Array;
  /** Cumulative normalized weights, for drawing a kernel. */
  readonly cumWeights: Float64Array;
  readonly dims: readonly DimensionKernels[];
}

/** Fits the estimator of a group of observations. */
export function buildParzenEstimator(
  input: ParzenInput,
  params: ParzenParameters,
): ParzenEstimator {
  const n = input.points.length;
  const size = n + 1;
  const raw = new Float64Array(size);
  if (n === 0) raw[0] = 1;
  else {
    raw.set(defaultWeights(n));
    raw[n] = params.priorWeight;
  }
  let total = 0;
  for (const w of raw) total += w;
  const logWeights = new Float64Array(size);
  const cumWeights = new Float64Array(size);
  let acc = 0;
  for (let k = 0; k < size; k++) {
    logWeights[k] = Math.log(raw[k]! / total);
    acc += raw[k]! / total;
    cumWeights[k] = acc;
  }
  cumWeights[size - 1] = 1;

  const bandwidthWeighted = params.bandwidthWeightedScores;
  const dims = input.dims.map((dim, j): DimensionKernels => {
    if (dim.kind === 'categorical') return categoricalKernels(input.points, j, dim.choices, params);
    const mu = new Float64Array(size);
    for (let k = 0; k < n; k++) mu[k] = input.points[k]![j]!;
    mu[n] = 0.5;
    const order = params.multivariate ? undefined : sortedOrder(mu, input.sorted?.[j]);
    const sigma = order
      ? adaptiveSigmas(mu, order, params.considerEndpoints)
      : scottSigmas(n, input.dims.length);
    // Magic clip: no kernel narrower than the range over min(100, kernels + 1), none wider than it.
    const minSigma = 1 / Math.min(100, 1 + size);
    for (let k = 0; k < size; k++) sigma[k] = Math.min(1, Math.max(minSigma, sigma[k]!));
    sigma[n] = 1;
    const invSigma = new Float64Array(size);
    const logNorm = new Float64Array(size);
    const logAccept = new Float64Array(size);
    const logWeightNorm = new Float64Array(size);
    // Most kernels of a large group sit at the clip and well inside [0, 1] (acceptance exactly 1):
    // their logs are computed once.
    const logMinSigma = bandwidthWeighted ? 0 : Math.log(minSigma);
    const logEps1 = Math.log(1 + EPS);
    // Local copies of imports: loaders that compile ESM to getters (tsx, vitest) would otherwise
    // pay a property lookup per kernel.
    const acceptance = unitAcceptance;
    const logSqrt2Pi = LOG_SQRT_2PI;
    const eps = EPS;
    for (let k = 0; k < size; k++) {
      const s = sigma[k]!;
      const accept = acceptance(mu[k]!, s);
      const logSigma = bandwidthWeighted ? 0 : s === minSigma ? logMinSigma : Math.log(s);
      invSigma[k] = 1 / s;
      logNorm[k] = -logSqrt2Pi - logSigma - (accept === 1 ? 0 : Math.log(accept));
      logAccept[k] = accept === 1 ? logEps1 : Math.log(accept + eps);
      logWeightNorm[k] = logWeights[k]! + logNorm[k]!;
    }
    const cells = dim.kind === 'discrete' ? dim.cells : undefined;
    const sorted = order && !cells ? sortKernels(mu, sigma, logWeightNorm, order) : undefined;
    return {
      kind: 'numeric',
      cells,
      mu,
      sigma,
      invSigma,
      logNorm,
      logAccept,
      logWeightNorm,
      sorted,
    };
  });
  return { observations: n, logWeights, cumWeights, dims };
}

/**
 * All kernels (the prior, index `observations`, centred at 0.5) in (centre, index) order. Ties go
 * by kernel index, so the order does not depend on how the caller found `sortedObservations`.
 */
function sortedOrder(mu: Float64Array, sortedObservations: Int32Array | undefined): Int32Array {
  const size = mu.length;
  const n = size - 1;
  let sortedObs = sortedObservations;
  if (!sortedObs) {
    sortedObs = Int32Array.from({ length: n }, (_, k) => k);
    sortedObs.sort((a, b) => mu[a]! - mu[b]! || a - b);
  }
  // Merge the prior in after every observation at or below 0.5.
  const order = new Int32Array(size);
  let at = 0;
  let placed = false;
  for (let i = 0; i < n; i++) {
    const k = sortedObs[i]!;
    if (!placed && mu[k]! > 0.5) {
      order[at++] = n;
      placed = true;
    }
    order[at++] = k;
  }
  if (!placed) order[at] = n;
  return order;
}

/**
 * Optuna's univariate bandwidths: each centre's distance to its farther neighbour in the sorted
 * centres (prior included, the bounds 0 and 1 at the ends). Without `considerEndpoints` the
 * outermost centres look only inwards.
 */
function adaptiveSigmas(
  mu: Float64Array,
  order: Int32Array,
  considerEndpoints: boolean,
): Float64Array {
  const size = mu.length;
  const sigma = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const here = mu[order[i]!]!;
    const left = here - (i > 0 ? mu[order[i - 1]!]! : 0);
    const right = (i < size - 1 ? mu[order[i + 1]!]! : 1) - here;
    sigma[order[i]!] = Math.max(left, right);
  }
  if (!considerEndpoints && size >= 2) {
    sigma[order[0]!] = mu[order[1]!]! - mu[order[0]!]!;
    sigma[order[size - 1]!] = mu[order[size - 1]!]! - mu[order[size - 2]!]!;
  }
  return sigma;
}

/** Scott's rule, as Optuna's multivariate TPE: 0.2 n^(-1/(d+4)) of the range for every kernel. */
function scottSigmas(n: number, dimensions: number): Float64Array {
  const s = SIGMA0_MAGNITUDE * Math.max(n, 1) ** (-1 / (dimensions + 4));
  return new Float64Array(n + 1).fill(s);
}

function categoricalKernels(
  points: readonly Float64Array[],
  j: number,
  choices: number,
  params: ParzenParameters,
): CategoricalKernels {
  const n = points.length;
  const observed = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) observed[k] = points[k]![j]!;
  observed[n] = -1;
  const spread = params.priorWeight / (n + 1);
  const rowSum = choices * spread + 1;
  return {
    kind: 'categorical',
    choices,
    observed,
    logHit: Math.log((1 + spread) / rowSum),
    logMiss: Math.log(spread / rowSum),
  };
}

/** Draws a kernel index by weight. */
export function drawKernel(est: ParzenEstimator, rng: Rng): number {
  const r = rng.next();
  const cum = est.cumWeights;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Draws dimension `j` from kernel `k` (discrete values land on their cell's centre). */
export function drawFromKernel(est: ParzenEstimator, j: number, k: number, rng: Rng): number {
  const dim = est.dims[j]!;
  if (dim.kind === 'categorical') {
    const r = rng.next();
    const c = dim.observed[k]!;
    if (c < 0) return Math.min(dim.choices - 1, Math.floor(r * dim.choices));
    // The kernel's row is a mixture: its own category w.p. 1/rowSum, else uniform.
    const hit = Math.exp(dim.logHit) - Math.exp(dim.logMiss);
    if (r < hit) return c;
    return Math.min(dim.choices - 1, Math.floor(((r - hit) / (1 - hit)) * dim.choices));
  }
  const x = sampleUnitTruncatedNormal(rng, dim.mu[k]!, dim.sigma[k]!);
  return dim.cells ? dim.cells.cellOf(x).centre : x;
}

/**
 * ln of each kernel's density (mass, for discrete and categorical dimensions) at coordinate `x`
 * of dimension `j`, added into `out` (length: kernels).
 */
export function addKernelLogPdfs(
  est: ParzenEstimator,
  j: number,
  x: number,
  out: Float64Array,
): void {
  const dim = est.dims[j]!;
  const size = out.length;
  if (dim.kind === 'categorical') {
    const { observed, logHit, logMiss } = dim;
    const logPrior = -Math.log(dim.choices);
    for (let k = 0; k < size - 1; k++) out[k]! += observed[k] === x ? logHit : logMiss;
    out[size - 1]! += logPrior;
    return;
  }
  const { mu, invSigma } = dim;
  if (dim.cells) {
    const { lo, hi } = dim.cells.cellOf(x);
    const logAccept = dim.logAccept;
    const cellMass = kernelCellMass; // a local copy, as in buildParzenEstimator
    const eps = EPS;
    for (let k = 0; k < size; k++) {
      out[k]! += Math.log(cellMass(mu[k]!, invSigma[k]!, lo, hi) + eps) - logAccept[k]!;
    }
    return;
  }
  const logNorm = dim.logNorm;
  for (let k = 0; k < size; k++) {
    const z = (x - mu[k]!) * invSigma[k]!;
    out[k]! += logNorm[k]! - 0.5 * z * z;
  }
}

/** ln Σ_k exp(logWeights[k] + terms[k]): the mixture's log density given per-kernel terms. */
export function mixtureLogPdf(est: ParzenEstimator, terms: Float64Array): number {
  const logWeights = est.logWeights;
  let max = -Infinity;
  for (let k = 0; k < terms.length; k++) {
    const t = logWeights[k]! + terms[k]!;
    terms[k] = t;
    if (t > max) max = t;
  }
  return max + Math.log(sumExpBelow(terms, max));
}

/** Σ_k exp(terms[k] - max), skipping negligible terms (most, far from x); 0 if max is -∞. */
function sumExpBelow(terms: Float64Array, max: number): number {
  if (max === -Infinity) return 0;
  const negligible = NEGLIGIBLE_TERM; // a local copy, as in buildParzenEstimator
  let sum = 0;
  for (let k = 0; k < terms.length; k++) {
    const d = terms[k]! - max;
    if (d > negligible) sum += Math.exp(d);
  }
  return sum;
}

/** ln density of dimension `j` alone at `x` (univariate TPE). `scratch`: length ≥ kernels. */
export function dimensionLogPdf(
  est: ParzenEstimator,
  j: number,
  x: number,
  scratch: Float64Array,
): number {
  const dim = est.dims[j]!;
  if (dim.kind === 'numeric' && dim.sorted) return sortedLogSumExp(dim.sorted, x);
  const terms = scratch.subarray(0, est.observations + 1).fill(0);
  addKernelLogPdfs(est, j, x, terms);
  return mixtureLogPdf(est, terms);
}

/** ln joint density at a point (multivariate TPE). `scratch`: length ≥ kernels. */
export function jointLogPdf(
  est: ParzenEstimator,
  point: ArrayLike<number>,
  scratch: Float64Array,
): number {
  const terms = scratch.subarray(0, est.observations + 1).fill(0);
  for (let j = 0; j < est.dims.length; j++) addKernelLogPdfs(est, j, point[j]!, terms);
  return mixtureLogPdf(est, terms);
}

/**
 * TPE's options, their defaults (Optuna 3.1's TPESampler, except `constantLiar`, which is on
 * because a Rung sweep always has trials in flight) and their validation.
 */

/** How many observations form the 'below' (good) group, given how many trials have finished. */
export type GammaFunction = (finished: number) => number;

/** Options of {@link createTpeSampler}; every field is optional. */
export interface TpeOptions {
  /**
   * Finished trials (completed or pruned) before TPE takes over from uniform random sampling.
   * @defaultValue 10
   */
  readonly startupTrials?: number;
  /**
   * Candidates drawn from l(x) per suggestion; the one with the largest l(x)/g(x) wins.
   * @defaultValue 24
   */
  readonly candidates?: number;
  /**
   * Model all dimensions jointly (Optuna's multivariate TPE: one kernel per observation over
   * every dimension, Scott's-rule bandwidths) instead of one independent TPE per dimension.
   * @defaultValue false
   */
  readonly multivariate?: boolean;
  /**
   * Pending (queued or running) trials join the 'above' group as if they had the worst loss,
   * so that parallel suggestions spread out instead of piling onto the same optimum.
   * @defaultValue true
   */
  readonly constantLiar?: boolean;
  /**
   * Weight of the prior kernel (N(0.5, 1) on the unit coordinate; uniform over categories),
   * relative to the weights of the observations' kernels.
   * @defaultValue 1
   */
  readonly priorWeight?: number;
  /**
   * Let the bounds of the unit interval count as neighbours when sizing the bandwidths of the
   * lowest and highest kernels (univariate TPE only).
   * @defaultValue false
   */
  readonly considerEndpoints?: boolean;
  /**
   * Size of the 'below' group for a number of finished trials.
   * @defaultValue {@link defaultGamma}: `min(ceil(0.1 n), 25)`
   */
  readonly gamma?: GammaFunction;
  /**
   * How candidates are scored in continuous dimensions (see {@link TpeScoring}).
   * @defaultValue 'optuna-3.1'
   */
  readonly scoring?: TpeScoring;
}

/**
 * How l(x) and g(x) score a candidate in continuous dimensions.
 *
 * - `'optuna-3.1'`: as Optuna 3.1–3.4, whose truncated-normal log-density leaves out the kernel's
 *   -ln σ (optuna/optuna#5109, fixed in 3.5). Up to a constant per estimator, that is the proper
 *   density of a mixture whose kernels are weighted by their bandwidth as well: wide kernels
 *   (sparse regions, the prior) count for more, so g(x) is flatter and TPE exploits l(x) harder.
 *   Candidates are still drawn with the plain weights. This is what the Optuna 3.1 baseline ran.
 * - `'density'`: the normalized mixture density, as Optuna 3.5 and later.
 */
export type TpeScoring = 'optuna-3.1' | 'density';

/** {@link TpeOptions} with every default filled in. */
export type ResolvedTpeOptions = Required<TpeOptions>;

/** Optuna's default gamma: the best 10% of the finished trials, at most 25. */
export function defaultGamma(finished: number): number {
  return Math.min(Math.ceil(0.1 * finished), 25);
}

/** The defaults, as in Optuna 3.1's TPESampler (constant liar aside). */
export const TPE_DEFAULTS: ResolvedTpeOptions = Object.freeze({
  startupTrials: 10,
  candidates: 24,
  multivariate: false,
  constantLiar: true,
  priorWeight: 1,
  considerEndpoints: false,
  gamma: defaultGamma,
  scoring: 'optuna-3.1',
});

/**
 * Merges options over the defaults and rejects bad values with a message naming the option.
 * `gamma` is probed on a few history sizes, so that a broken function fails here rather than
 * in the middle of a sweep.
 */
export function resolveTpeOptions(options: TpeOptions = {}): ResolvedTpeOptions {
  const resolved: ResolvedTpeOptions = { ...TPE_DEFAULTS };
  // Explicit `undefined` keeps the default, as callers spreading partial configs expect.
  for (const [key, value] of Object.entries(options)) {
    // A misspelt option must not silently leave the default in place.
    if (!(key in TPE_DEFAULTS)) throw new TypeError(`tpe: unknown option '${key}'`);
    if (value !== undefined) (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  const { startupTrials, candidates, priorWeight, gamma } = resolved;
  if (!Number.isInteger(startupTrials) || startupTrials < 0) {
    throw new RangeError(`tpe: startupTrials must be an integer >= 0, got ${startupTrials}`);
  }
  if (!Number.isInteger(candidates) || candidates < 1) {
    throw new RangeError(`tpe: candidates must be an integer >= 1, got ${candidates}`);
  }
  if (typeof priorWeight !== 'number' || !Number.isFinite(priorWeight) || priorWeight <= 0) {
    throw new RangeError(`tpe: priorWeight must be a finite number > 0, got ${priorWeight}`);
  }
  for (const key of ['multivariate', 'constantLiar', 'considerEndpoints'] as const) {
    if (typeof resolved[key] !== 'boolean') {
      throw new TypeError(`tpe: ${key} must be a boolean, got ${String(resolved[key])}`);
    }
  }
  if (resolved.scoring !== 'optuna-3.1' && resolved.scoring !== 'density') {
    throw new RangeError(
      `tpe: scoring must be 'optuna-3.1' or 'density', got ${String(resolved.scoring)}`,
    );
  }
  if (typeof gamma !== 'function') throw new TypeError('tpe: gamma must be a function');
  for (const n of [0, 1, 10, 100, 1000]) checkedGamma(gamma, n);
  return resolved;
}

/** gamma(n), required to be an integer in [0, n] (a larger one would leave 'above' empty). */
export function checkedGamma(gamma: GammaFunction, finished: number): number {
  const below = gamma(finished);
  if (!Number.isInteger(below) || below < 0) {
    throw new RangeError(`tpe: gamma(${finished}) must be an integer >= 0, got ${below}`);
  }
  return Math.min(below, finished);
}

/**
 * Optuna's default_weights for the kernels of `n` observations in chronological order: the
 * newest 25 weigh 1, older ones ramp linearly from 1/n up towards 1, so the model forgets slowly.
 */
export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  const ramp = n - 25;
  if (ramp <= 0) return w;
  // numpy.linspace(1/n, 1, ramp): a single point is the start.
  const step = ramp > 1 ? (1 - 1 / n) / (ramp - 1) : 0;
  for (let i = 0; i < ramp; i++) w[i] = 1 / n + i * step;
  if (ramp > 1) w[ramp - 1] = 1; // linspace ends exactly on its stop
  return w;
}

/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011), as Optuna 3.1's TPESampler does it:
 * after `startupTrials` random trials, rank the finished trials, fit one Parzen estimator l(x) to
 * the best gamma(n) and one g(x) to the rest (plus, with the constant liar, the pending trials
 * as if they had the worst loss), draw `candidates` points from l and keep the one maximizing
 * ln l(x) - ln g(x), which maximizes expected improvement under TPE's model.
 *
 * By default candidates are scored as Optuna 3.1 scores them, bandwidths included (see
 * `TpeScoring`): that is what the published Optuna 3.1 baseline measured. `scoring: 'density'`
 * gives the normalized densities of Optuna 3.5 and later.
 */
import type { Rng } from '../../random/rng.js';
import type { Sampler, SuggestContext } from '../sampler.js';
import type { ModelSpace } from './model-space.js';
import { type Observation, ObservationCache } from './observation-cache.js';
import {
  checkedGamma,
  type ResolvedTpeOptions,
  resolveTpeOptions,
  type TpeOptions,
} from './options.js';
import {
  buildParzenEstimator,
  dimensionLogPdf,
  drawFromKernel,
  drawKernel,
  jointLogPdf,
  type ParzenEstimator,
} from './parzen-estimator.js';

/**
 * A TPE sampler (`name` 'tpe', or 'tpe-multivariate' with `multivariate: true`).
 *
 * The instance caches what it learned from the history (see `ObservationCache`), so that a
 * suggestion does not re-read the whole history; the cache never changes a result: the same
 * context gives the same point as a fresh instance would.
 *
 * @param options see {@link TpeOptions}; invalid values throw here.
 */
export function createTpeSampler(options: TpeOptions = {}): Sampler {
  const opts = resolveTpeOptions(options);
  const cache = new ObservationCache();
  return {
    name: opts.multivariate ? 'tpe-multivariate' : 'tpe',
    suggest: (ctx) => suggest(ctx, opts, cache),
  };
}

/** Multivariate TPE (Optuna's `multivariate=True`), named 'tpe-multivariate'. */
export function createMultivariateTpeSampler(
  options: Omit<TpeOptions, 'multivariate'> = {},
): Sampler {
  return createTpeSampler({ ...options, multivariate: true });
}

function suggest(ctx: SuggestContext, opts: ResolvedTpeOptions, cache: ObservationCache): number[] {
  cache.sync(ctx.space, ctx.history);
  const model = cache.space;
  const observations = cache.observations;
  const n = observations.length;
  if (n < opts.startupTrials || n === 0 || model.dims.length === 0) {
    return randomPoint(model, ctx.rng);
  }

  const nBelow = checkedGamma(opts.gamma, n);
  cache.byRank.forEach((obs, i) => {
    obs.below = i < nBelow;
  });
  const belowPoints: Float64Array[] = [];
  const abovePoints: Float64Array[] = [];
  for (const obs of observations) {
    const group = obs.below ? belowPoints : abovePoints;
    obs.kernel = group.length;
    group.push(obs.coords);
  }
  // Constant liar: pending trials count as the worst observations, newest of all.
  const finishedAbove = abovePoints.length;
  if (opts.constantLiar) {
    for (const p of ctx.pending) {
      const coords = model.coordsOf(p);
      if (coords) abovePoints.push(coords);
    }
  }

  const params = {
    priorWeight: opts.priorWeight,
    considerEndpoints: opts.considerEndpoints,
    multivariate: opts.multivariate,
    bandwidthWeightedScores: opts.scoring === 'optuna-3.1',
  };
  const below = buildParzenEstimator({ dims: model.dims, points: belowPoints }, params);
  const sorted = opts.multivariate
    ? undefined
    : model.dims.map((dim, j) =>
        dim.kind === 'categorical'
          ? undefined
          : aboveOrder(cache.byCoordinate[j]!, abovePoints, finishedAbove, j),
      );
  const above = buildParzenEstimator({ dims: model.dims, points: abovePoints, sorted }, params);

  const scratch = new Float64Array(Math.max(belowPoints.length, abovePoints.length) + 1);
  return opts.multivariate
    ? suggestJoint(below, above, opts.candidates, ctx.rng, scratch)
    : model.dims.map((_, j) =>
        suggestDimension(below, above, j, opts.candidates, ctx.rng, scratch),
      );
}

/**
 * Kernel indices of the 'above' group in (coordinate, kernel index) order for dimension `j`,
 * read off the cache's sorted observations in one pass (pending points, few, are sorted here).
 */
function aboveOrder(
  byCoordinate: readonly Observation[],
  points: readonly Float64Array[],
  finished: number,
  j: number,
): Int32Array {
  const order = new Int32Array(points.length);
  const pending = Int32Array.from({ length: points.length - finished }, (_, i) => finished + i);
  pending.sort((a, b) => points[a]![j]! - points[b]![j]! || a - b);
  let at = 0;
  let p = 0;
  for (const obs of byCoordinate) {
    if (obs.below) continue;
    // Finished kernels have smaller indices than pending ones: on a tie they go first.
    while (p < pending.length && points[pending[p]!]![j]! < obs.coords[j]!) {
      order[at++] = pending[p++]!;
    }
    order[at++] = obs.kernel;
  }
  while (p < pending.length) order[at++] = pending[p++]!;
  return order;
}

/** Univariate TPE: the best of `count` draws from l for one dimension. */
function suggestDimension(
  below: ParzenEstimator,
  above: ParzenEstimator,
  j: number,
  count: number,
  rng: Rng,
  scratch: Float64Array,
): number {
  const candidates = new Float64Array(count);
  for (let c = 0; c < count; c++)
    candidates[c] = drawFromKernel(below, j, drawKernel(below, rng), rng);
  // Discrete and categorical draws repeat values: score each value once.
  const scores = new Map<number, number>();
  let best = candidates[0]!;
  let bestScore = -Infinity;
  for (const x of candidates) {
    let score = scores.get(x);
    if (score === undefined) {
      score = dimensionLogPdf(below, j, x, scratch) - dimensionLogPdf(above, j, x, scratch);
      scores.set(x, score);
    }
    if (score > bestScore) {
      bestScore = score;
      best = x;
    }
  }
  return best;
}

/** Multivariate TPE: the best of `count` joint draws from l. */
function suggestJoint(
  below: ParzenEstimator,
  above: ParzenEstimator,
  count: number,
  rng: Rng,
  scratch: Float64Array,
): number[] {
  const d = below.dims.length;
  let best: number[] | undefined;
  let bestScore = -Infinity;
  for (let c = 0; c < count; c++) {
    const k = drawKernel(below, rng);
    const x = Array.from({ length: d }, (_, j) => drawFromKernel(below, j, k, rng));
    const score = jointLogPdf(below, x, scratch) - jointLogPdf(above, x, scratch);
    if (best === undefined || score > bestScore) {
      bestScore = score;
      best = x;
    }
  }
  return best!;
}

/** The startup phase: uniform on every coordinate (discrete values on their cell's centre). */
function randomPoint(model: ModelSpace, rng: Rng): number[] {
  return model.dims.map((dim) => {
    if (dim.kind === 'categorical') return rng.int(dim.choices);
    const u = rng.next();
    return dim.kind === 'discrete' ? dim.cells.cellOf(u).centre : u;
  });
}

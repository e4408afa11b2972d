/**
 * Random search (W&B `random`, Optuna's RandomSampler): every parameter drawn independently from
 * its prior.
 */
import { categoricalIndex } from '../space/dimension.js';
import type { Sampler } from './sampler.js';

/**
 * The random sampler (`random`). Each numeric coordinate is u ~ U(0, 1) from `ctx.rng`; since a
 * dimension's coordinate is its prior's CDF, decoding u samples the user's distribution exactly
 * (log-uniform, normal, quantized, …). Categorical indices are uniform over the values, or drawn
 * by their probabilities when the spec gives them (W&B's `probabilities`).
 *
 * History and pending trials are ignored on purpose: avoiding repeats would bias the draw, and on a
 * continuous space a repeat has probability zero anyway.
 */
export function createRandomSampler(): Sampler {
  return {
    name: 'random',
    ignoresHistory: true,
    suggest(ctx) {
      // One draw per dimension, in dimension order, so a point depends only on the RNG stream.
      return ctx.space.dimensions.map((dim) =>
        dim.kind !== 'categorical'
          ? ctx.rng.next()
          : dim.probabilities
            ? categoricalIndex(dim, ctx.rng.next())
            : ctx.rng.int(dim.values.length),
      );
    },
  };
}

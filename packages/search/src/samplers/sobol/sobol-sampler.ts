/**
 * Quasi-random search: trial n gets point n of a scrambled Sobol sequence (cf. Optuna's
 * QMCSampler). Low discrepancy covers the space more evenly than random search for the same
 * number of trials, which is what a first exploration or a sensitivity study wants.
 */

import { categoricalIndex } from '../../space/dimension.js';
import type { Point } from '../../space/search-space.js';
import type { Sampler } from '../sampler.js';
import { SOBOL_MAX_DIMENSION } from './direction-numbers.js';
import { createSobolSequence, type SobolSequence } from './sequence.js';

/**
 * The Sobol sampler (`sobol`).
 *
 * - The scramble is seeded by the sweep seed (`ctx.seed`, not `ctx.rng`), so every trial of a
 *   sweep draws from the same sequence; the point index is `ctx.trialNumber`, so parallel workers
 *   never collide and a result does not depend on timing or on the order of suggestions.
 * - Numeric dimensions take the coordinate as their unit coordinate u (the prior's CDF), so the
 *   sequence is spread evenly in the prior's probability, not in raw value.
 * - Categorical dimensions take index floor(u · n), or the value whose share of the probabilities
 *   (cumulative) holds u, when the spec gives them.
 * - History and pending trials are not consulted: the index already makes points distinct.
 *
 * Throws when the space has more dimensions than the embedded direction numbers cover.
 */
export function createSobolSampler(): Sampler {
  // The scramble costs a few thousand bit operations per dimension: build it once per sweep.
  let cached: { seed: number; sequence: SobolSequence } | undefined;
  return {
    name: 'sobol',
    ignoresHistory: true,
    suggest(ctx) {
      const dims = ctx.space.dimensions;
      if (dims.length === 0) return [];
      if (dims.length > SOBOL_MAX_DIMENSION) {
        throw new Error(
          `sobol: the space has ${dims.length} dimensions; the embedded Joe–Kuo direction numbers cover ${SOBOL_MAX_DIMENSION}`,
        );
      }
      if (!cached || cached.seed !== ctx.seed || cached.sequence.dimension !== dims.length) {
        cached = { seed: ctx.seed, sequence: createSobolSequence(dims.length, ctx.seed) };
      }
      const u = cached.sequence.point(ctx.trialNumber);
      const point: Point = dims.map((dim, i) =>
        dim.kind === 'categorical' ? categoricalIndex(dim, u[i]!) : u[i]!,
      );
      return point;
    },
  };
}

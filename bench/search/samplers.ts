/**
 * The samplers the benchmark can run, by the name given on the command line. Each entry makes a
 * fresh sampler, since the harness starts every seed from a clean instance.
 */
import type { Point, Sampler, SuggestContext } from '@rung/search';
import { createGpSampler } from '../../packages/search/src/samplers/gp/gp-sampler.js';
import { createRandomSampler } from '../../packages/search/src/samplers/random.js';
import { createSobolSampler } from '../../packages/search/src/samplers/sobol/sobol-sampler.js';
import {
  createMultivariateTpeSampler,
  createTpeSampler,
} from '../../packages/search/src/samplers/tpe/tpe-sampler.js';

/**
 * Independent uniform draws in the unit coordinates (categoricals: a uniform index). It lives
 * here so the harness has a reference that depends on nothing but the `Sampler` seam.
 */
export function createUniformBaselineSampler(): Sampler {
  return {
    name: 'uniform-baseline',
    suggest(ctx: SuggestContext): Point {
      return ctx.space.dimensions.map((dim) =>
        dim.kind === 'numeric' ? ctx.rng.next() : ctx.rng.int(dim.values.length),
      );
    },
  };
}

/** Sampler factories by command-line name, in the order tables list them. */
export const SAMPLERS: Readonly<Record<string, () => Sampler>> = {
  gp: () => createGpSampler(),
  random: createRandomSampler,
  sobol: createSobolSampler,
  tpe: () => createTpeSampler(),
  'tpe-multivariate': () => createMultivariateTpeSampler(),
  'uniform-baseline': createUniformBaselineSampler,
};

/** The factory registered under `name`, or an error that lists the registered names. */
export function samplerFactory(name: string): () => Sampler {
  if (Object.hasOwn(SAMPLERS, name)) return SAMPLERS[name]!;
  throw new Error(`unknown sampler "${name}": use one of ${Object.keys(SAMPLERS).join(', ')}`);
}

/**
 * The samplers the benchmark can run, by the name given on the command line. Each entry makes a
 * fresh sampler, since the harness starts every seed from a clean instance.
 */
import { bayesChoice, type Point, type Sampler, type SuggestContext } from '@rung/search';
import { createGpSampler } from '../../packages/search/src/samplers/gp/gp-sampler.js';
import { createGridSampler } from '../../packages/search/src/samplers/grid.js';
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
  grid: createGridSampler,
  random: createRandomSampler,
  sobol: createSobolSampler,
  tpe: () => createTpeSampler(),
  'tpe-multivariate': () => createMultivariateTpeSampler(),
  'uniform-baseline': createUniformBaselineSampler,
};

/** Names that stand for another sampler, chosen from the problem (as a sweep's method does). */
export const ALIASES = ['bayes'] as const;

/** What an alias is resolved against: the searched dimensions and the trials per seed. */
export interface ProblemSize {
  readonly dimensions: number;
  readonly trials: number;
}

/**
 * The sampler a name means for a problem of this size: a registered name as is, `bayes` as a
 * sweep with `method: bayes` and `run_cap` = trials would resolve it.
 */
export function resolveSamplerName(name: string, size: ProblemSize): string {
  if (name === 'bayes') return bayesChoice(size.dimensions, size.trials);
  if (Object.hasOwn(SAMPLERS, name)) return name;
  const known = [...Object.keys(SAMPLERS), ...ALIASES].join(', ');
  throw new Error(`unknown sampler "${name}": use one of ${known}`);
}

/** The factory registered under `name` (aliases go through {@link resolveSamplerName} first). */
export function samplerFactory(name: string): () => Sampler {
  if (Object.hasOwn(SAMPLERS, name)) return SAMPLERS[name]!;
  throw new Error(`unknown sampler "${name}": use one of ${Object.keys(SAMPLERS).join(', ')}`);
}

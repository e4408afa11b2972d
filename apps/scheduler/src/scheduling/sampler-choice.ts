/**
 * Which sampler a sweep uses. `method: bayes` resolves once, at creation, and the sweep records the
 * result, so a scheduler restart or an upgrade never switches algorithms mid-sweep.
 */
import {
  bayesChoice,
  createGpSampler,
  createGridSampler,
  createMultivariateTpeSampler,
  createRandomSampler,
  createSobolSampler,
  createTpeSampler,
  gridSize,
  type Sampler,
  type SearchSpace,
} from '@rung/search';
import type { Method, SweepSpec } from '@rung/shared';

export type SamplerName = 'grid' | 'random' | 'sobol' | 'tpe' | 'tpe-multivariate' | 'gp';

/** Trials a sweep runs when it sets no run_cap and is not a grid. */
export const DEFAULT_RUN_CAP = 100;

const FACTORIES: Record<SamplerName, () => Sampler> = {
  grid: createGridSampler,
  random: createRandomSampler,
  sobol: createSobolSampler,
  tpe: () => createTpeSampler(),
  'tpe-multivariate': () => createMultivariateTpeSampler(),
  gp: () => createGpSampler(),
};

/**
 * Replaces a sampler's implementation: a seam for tests that need a sampler to fail. (A sampler
 * registered here exists in this thread only: the server's suggestion thread has its own.)
 */
export function registerSampler(name: SamplerName, factory: () => Sampler): void {
  FACTORIES[name] = factory;
}

/**
 * The concrete sampler for a method: the one it names, or for `bayes` GP-BO while the budget and
 * dimension are small (where it is strongest and affordable), TPE beyond.
 */
export function resolveSampler(method: Method, space: SearchSpace, runCap: number): SamplerName {
  return method === 'bayes' ? bayesChoice(space.dimensions.length, runCap) : method;
}

export function createSampler(name: string): Sampler {
  const factory = Object.hasOwn(FACTORIES, name) ? FACTORIES[name as SamplerName] : undefined;
  if (!factory) throw new Error(`unknown sampler ${name}`);
  return factory();
}

/**
 * What the named sampler reads of the finished trials: the history at all (random and Sobol do
 * not), and their learning curves (GP-BO) — so that nobody keeps for it what it never reads.
 */
export function samplerReads(name: string): { history: boolean; curves: boolean } {
  const sampler = createSampler(name);
  return { history: sampler.ignoresHistory !== true, curves: sampler.readsCurves === true };
}

/** The most trials a sweep will create. */
export function runCapOf(spec: SweepSpec, space: SearchSpace): number {
  if (spec.method === 'grid') {
    const size = gridSize(space);
    return spec.run_cap === undefined ? size : Math.min(spec.run_cap, size);
  }
  return spec.run_cap ?? DEFAULT_RUN_CAP;
}

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
import type { Method, SpecWarning, SweepSpec } from '@rung/shared';

export type SamplerName = 'grid' | 'random' | 'sobol' | 'tpe' | 'tpe-multivariate' | 'gp';

/** Trials a sweep runs when it sets no run_cap and is not a grid. */
export const DEFAULT_RUN_CAP = 100;

const FACTORIES: Partial<Record<SamplerName, () => Sampler>> = {
  grid: createGridSampler,
  random: createRandomSampler,
  sobol: createSobolSampler,
  tpe: () => createTpeSampler(),
  'tpe-multivariate': () => createMultivariateTpeSampler(),
  gp: () => createGpSampler(),
};

/** Registers a sampler implementation under a name (used as the model-based samplers land). */
export function registerSampler(name: SamplerName, factory: () => Sampler): void {
  FACTORIES[name] = factory;
}

/**
 * The concrete sampler for a method. `bayes` picks GP-BO while the budget and dimension are small
 * (where it is strongest and affordable), TPE beyond; while a model-based sampler is not available
 * it falls back to random and says so.
 */
export function resolveSampler(
  method: Method,
  space: SearchSpace,
  runCap: number,
): { sampler: SamplerName; warnings: SpecWarning[] } {
  if (method !== 'bayes') {
    const name = method as SamplerName;
    if (!FACTORIES[name]) {
      return {
        sampler: 'random',
        warnings: [
          {
            path: 'method',
            message: `${method} is not available yet: random search is used instead`,
          },
        ],
      };
    }
    return { sampler: name, warnings: [] };
  }
  const preferred: SamplerName = bayesChoice(space.dimensions.length, runCap);
  for (const name of [preferred, 'tpe', 'gp'] as const) {
    if (FACTORIES[name]) return { sampler: name, warnings: [] };
  }
  return {
    sampler: 'random',
    warnings: [
      {
        path: 'method',
        message:
          'bayes: no Bayesian sampler is available in this build; random search is used instead',
      },
    ],
  };
}

export function createSampler(name: string): Sampler {
  const factory = FACTORIES[name as SamplerName];
  if (!factory) throw new Error(`unknown sampler ${name}`);
  return factory();
}

/** Whether the named sampler never reads the history (so nobody need keep it for it). */
export function samplerIgnoresHistory(name: string): boolean {
  return createSampler(name).ignoresHistory === true;
}

/** The most trials a sweep will create. */
export function runCapOf(spec: SweepSpec, space: SearchSpace): number {
  if (spec.method === 'grid') {
    const size = gridSize(space);
    return spec.run_cap === undefined ? size : Math.min(spec.run_cap, size);
  }
  return spec.run_cap ?? DEFAULT_RUN_CAP;
}

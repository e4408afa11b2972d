/**
 * Every sampler the conformance suite (sampler-conformance.test.ts) runs over. Append new samplers
 * here (TPE, GP, …); `supportsContinuous: false` restricts a sampler to finite (grid-able) spaces.
 */
import type { Sampler } from '../src/index.js';
import { createGpSampler } from '../src/samplers/gp/gp-sampler.js';
import { createGridSampler } from '../src/samplers/grid.js';
import { createRandomSampler } from '../src/samplers/random.js';
import { createSobolSampler } from '../src/samplers/sobol/sobol-sampler.js';
import { createMultivariateTpeSampler, createTpeSampler } from '../src/samplers/tpe/tpe-sampler.js';

export interface SamplerUnderTest {
  readonly name: string;
  readonly create: () => Sampler;
  /** False for samplers that only handle finite spaces (grid). */
  readonly supportsContinuous: boolean;
}

export const samplersUnderTest: readonly SamplerUnderTest[] = [
  { name: 'random', create: createRandomSampler, supportsContinuous: true },
  { name: 'sobol', create: createSobolSampler, supportsContinuous: true },
  { name: 'grid', create: createGridSampler, supportsContinuous: false },
  { name: 'tpe', create: () => createTpeSampler(), supportsContinuous: true },
  {
    name: 'tpe-multivariate',
    create: () => createMultivariateTpeSampler(),
    supportsContinuous: true,
  },
  { name: 'gp', create: () => createGpSampler(), supportsContinuous: true },
];

/**
 * @rung/search — the pure search engine: search spaces, samplers and pruners.
 * No I/O, no clock, no Math.random: callers pass a seeded `Rng` and the history.
 */
export type {
  BoundedSpec,
  CategoricalSpec,
  ConstantSpec,
  Distribution,
  IntUniformSpec,
  NestedSpec,
  NormalSpec,
  ParamValue,
  ParameterSpec,
  ParameterSpecs,
  Params,
} from './space/parameter-spec.js';
export type { CategoricalDimension, Dimension, NumericDimension } from './space/dimension.js';
export { MAX_GRID_VALUES } from './space/dimension.js';
export { buildSpace, nest, type Point, type SearchSpace } from './space/search-space.js';
export { createRng, type Rng } from './random/rng.js';
export type {
  FinishedState,
  Sampler,
  SuggestContext,
  TrialRecord,
} from './samplers/sampler.js';
export type {
  PruneDecision,
  PruneInput,
  PruneReason,
  Pruner,
  StepValue,
} from './pruners/pruner.js';
export { createRandomSampler } from './samplers/random.js';
export { createGridSampler, gridSize } from './samplers/grid.js';
export { createSobolSampler } from './samplers/sobol/sobol-sampler.js';
export {
  createSobolSequence,
  sobolPoints,
  type SobolSequence,
} from './samplers/sobol/sequence.js';
export { SOBOL_MAX_DIMENSION } from './samplers/sobol/direction-numbers.js';
export {
  MEDIAN_PRUNER_DEFAULTS,
  createMedianPruner,
  type MedianPrunerOptions,
} from './pruners/median.js';

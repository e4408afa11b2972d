/**
 * @rung/search — the pure search engine: search spaces, samplers and pruners.
 * No I/O, no clock, no Math.random: callers pass a seeded `Rng` and the history.
 */

export { combinePruners } from './pruners/combined.js';
export {
  createMedianPruner,
  createPercentilePruner,
  MEDIAN_PRUNER_DEFAULTS,
  type MedianPrunerOptions,
  type PercentilePrunerOptions,
} from './pruners/median.js';
export { createPatiencePruner, type PatiencePrunerOptions } from './pruners/patience.js';
export {
  CONTINUE,
  interpolateQuantile,
  type PeerQuery,
  type PeerSummary,
  type Promoter,
  type Promotion,
  type PruneContext,
  type PruneDecision,
  type PruneInput,
  type PruneReason,
  type Pruner,
  quantileRanks,
  type RankQuery,
  type RungStanding,
  rankFor,
  type StepValue,
  summarizePeers,
} from './pruners/pruner.js';
export {
  bracketOf,
  createSuccessiveHalvingPruner,
  parseRungName,
  rungName,
  rungSteps,
  type SuccessiveHalvingOptions,
} from './pruners/successive-halving.js';
export { createThresholdPruner, type ThresholdPrunerOptions } from './pruners/threshold.js';
export {
  createWandbHyperbandPruner,
  type WandbHyperbandOptions,
} from './pruners/wandb-hyperband.js';
export { createRng, type Rng } from './random/rng.js';
export {
  BAYES_GP_MAX_DIMENSIONS,
  BAYES_GP_MAX_TRIALS,
  bayesChoice,
} from './samplers/bayes-choice.js';
export {
  addToSketch,
  type CurveSketch,
  emptySketch,
  sketchCurve,
} from './samplers/curve-sketch.js';
export {
  createGpSampler,
  GP_SAMPLER_DEFAULTS,
  type GpSamplerOptions,
  type OutputTransform,
} from './samplers/gp/gp-sampler.js';
export { createGridSampler, gridSize } from './samplers/grid.js';
export { createRandomSampler } from './samplers/random.js';
export type {
  FinishedState,
  FinishedTrial,
  Sampler,
  SuggestContext,
} from './samplers/sampler.js';
export { SOBOL_MAX_DIMENSION } from './samplers/sobol/direction-numbers.js';
export {
  createSobolSequence,
  type SobolSequence,
  sobolPoints,
} from './samplers/sobol/sequence.js';
export { createSobolSampler } from './samplers/sobol/sobol-sampler.js';
export {
  defaultGamma,
  type GammaFunction,
  TPE_DEFAULTS,
  type TpeOptions,
  type TpeScoring,
} from './samplers/tpe/options.js';
export { createMultivariateTpeSampler, createTpeSampler } from './samplers/tpe/tpe-sampler.js';
export type { CategoricalDimension, Dimension, NumericDimension } from './space/dimension.js';
export { MAX_GRID_VALUES } from './space/dimension.js';
export type {
  BoundedSpec,
  CategoricalSpec,
  ConstantSpec,
  Distribution,
  IntUniformSpec,
  NestedSpec,
  NormalSpec,
  ParameterSpec,
  ParameterSpecs,
  Params,
  ParamValue,
} from './space/parameter-spec.js';
export { sameValue } from './space/parameter-spec.js';
export { buildSpace, type Point, type SearchSpace } from './space/search-space.js';

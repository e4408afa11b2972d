import type { LearningCurveObjective } from '../harness.js';

/** lc-mlp: a synthetic learning-curve objective (copied from shared/bench/lc-mlp.mjs). */
declare const lcMlp: LearningCurveObjective;
export default lcMlp;

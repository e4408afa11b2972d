// An objective module (see docs/BENCHMARKS.md): the final validation loss of the lc-mlp learning
// curve from shared/bench (the pruning benchmark's objective), as a search benchmark over a
// typical training space (log-scaled learning rate and weight decay, quantized log-scaled batch
// size and width, dropout). It was not used to tune any sampler. Its optimum is not known, so
// the harness reports the best loss found.
import lcMlp from '../../prune/objectives/lc-mlp.mjs';

export default {
  name: 'lc-mlp-final',
  goal: 'minimize',
  budget: 60,
  parameters: lcMlp.parameters,
  // Seed 0 of the curve's noise: the same point always scores the same, as a benchmark needs.
  evaluate: (params) => lcMlp.curve(params, lcMlp.maxSteps, 0),
};

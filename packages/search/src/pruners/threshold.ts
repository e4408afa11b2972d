/**
 * Absolute bounds (Optuna's ThresholdPruner): stop a trial whose loss leaves [min, max], or is NaN
 * (it has diverged). Needs nothing of its peers, so it combines with any other rule.
 */
import { CONTINUE, OWN_CURVE, type PruneContext, type PruneInput, type Pruner } from './pruner.js';

export interface ThresholdPrunerOptions {
  /** Prune below this loss (for a maximized metric: above the negated bound). */
  readonly min?: number;
  /** Prune above this loss. */
  readonly max?: number;
  /** No pruning at steps below this (Optuna `n_warmup_steps`). @defaultValue 0 */
  readonly warmupSteps?: number;
}

export function createThresholdPruner(options: ThresholdPrunerOptions = {}): Pruner {
  const {
    min = Number.NEGATIVE_INFINITY,
    max = Number.POSITIVE_INFINITY,
    warmupSteps = 0,
  } = options;
  if (Number.isNaN(min) || Number.isNaN(max) || min > max) {
    throw new Error(`threshold pruner: need min <= max, got ${min} and ${max}`);
  }
  return {
    name: 'threshold',
    query: ({ step, reports }: PruneContext) =>
      reports.length === 0 || step < warmupSteps ? null : OWN_CURVE,
    decide({ step, reports, peers }: PruneInput) {
      const last = reports.at(-1);
      if (!last || step < warmupSteps) return CONTINUE;
      const loss = last.loss;
      if (!Number.isNaN(loss) && loss >= min && loss <= max) return CONTINUE;
      const cutoff = Number.isNaN(loss) || loss > max ? max : min;
      const detail = Number.isNaN(loss)
        ? 'the metric is NaN'
        : `the metric left its bounds [${min}, ${max}]`;
      return {
        action: 'prune',
        reason: {
          rule: 'threshold',
          step,
          value: loss,
          cutoff,
          population: peers.count,
          rank: 1,
          detail,
        },
      };
    },
  };
}

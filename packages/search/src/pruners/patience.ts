/**
 * No improvement in `patience` steps (Optuna's PatientPruner on its own): stop a trial whose best
 * loss over its last `patience + 1` reports is not better than its best before them by more than
 * `minDelta`. NaN reports are ignored. Needs nothing of its peers, so it combines with any rule.
 */
import { bestLoss } from './median.js';
import { CONTINUE, OWN_CURVE, type PruneContext, type PruneInput, type Pruner } from './pruner.js';

export interface PatiencePrunerOptions {
  /** Reports without improvement tolerated (Optuna `patience`). */
  readonly patience: number;
  /** An improvement must beat the earlier best by more than this (Optuna `min_delta`). @defaultValue 0 */
  readonly minDelta?: number;
}

export function createPatiencePruner(options: PatiencePrunerOptions): Pruner {
  const { patience, minDelta = 0 } = options;
  if (!Number.isSafeInteger(patience) || patience < 0) {
    throw new Error(`patience pruner: patience must be an integer >= 0, got ${String(patience)}`);
  }
  if (!(minDelta >= 0)) throw new Error(`patience pruner: minDelta must be >= 0, got ${minDelta}`);
  return {
    name: 'patience',
    query: ({ reports }: PruneContext) => (reports.length > patience + 1 ? OWN_CURVE : null),
    decide({ step, reports, peers }: PruneInput) {
      if (reports.length <= patience + 1) return CONTINUE;
      const split = reports.length - patience - 1;
      const before = bestLoss(step, reports.slice(0, split));
      const recent = bestLoss(step, reports.slice(split));
      if (Number.isNaN(before) || Number.isNaN(recent) || recent < before - minDelta)
        return CONTINUE;
      return {
        action: 'prune',
        reason: {
          rule: 'patience',
          step,
          value: recent,
          cutoff: before - minDelta,
          population: peers.count,
          rank: 1,
          detail: `no improvement over ${before} by more than ${minDelta} in ${patience + 1} reports`,
        },
      };
    },
  };
}

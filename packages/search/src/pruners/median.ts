/**
 * The median and percentile stopping rules (Google Vizier; Optuna's MedianPruner and
 * PercentilePruner): stop a trial whose best intermediate loss so far is worse than the given
 * percentile of what completed trials had reported at the same step.
 */
import {
  CONTINUE,
  type PeerQuery,
  type PruneContext,
  type PruneDecision,
  type PruneInput,
  type Pruner,
  type StepValue,
} from './pruner.js';

/** Options of {@link createMedianPruner}; the names map onto Optuna's MedianPruner arguments. */
export interface MedianPrunerOptions {
  /**
   * No pruning until this many trials of the sweep have completed (Optuna `n_startup_trials`).
   * @defaultValue 5
   */
  readonly startupTrials?: number;
  /**
   * No pruning at steps below this (Optuna `n_warmup_steps`; the first step checked is
   * `warmupSteps` itself).
   * @defaultValue 0
   */
  readonly warmupSteps?: number;
  /**
   * Check every this many steps, counted from `warmupSteps` (Optuna `interval_steps`).
   * @defaultValue 1
   */
  readonly intervalSteps?: number;
  /**
   * No pruning unless at least this many completed trials reported a (non-NaN) value at the step
   * (Optuna `n_min_trials`).
   * @defaultValue 1
   */
  readonly minPeers?: number;
}

/** The defaults of {@link createMedianPruner}: Optuna's MedianPruner defaults. */
export const MEDIAN_PRUNER_DEFAULTS: Readonly<Required<MedianPrunerOptions>> = Object.freeze({
  startupTrials: 5,
  warmupSteps: 0,
  intervalSteps: 1,
  minPeers: 1,
});

const MINIMUMS: Readonly<Record<keyof MedianPrunerOptions, number>> = {
  startupTrials: 0,
  warmupSteps: 0,
  intervalSteps: 1,
  minPeers: 1,
};

/** Options of {@link createPercentilePruner}: those of the median pruner and the percentile. */
export interface PercentilePrunerOptions extends MedianPrunerOptions {
  /** Prune a trial worse than this percentile (0–100) of its peers (Optuna `percentile`). */
  readonly percentile: number;
}

function validate(options: MedianPrunerOptions): Required<MedianPrunerOptions> {
  for (const name of Object.keys(options)) {
    if (!(name in MINIMUMS)) throw new Error(`median pruner: unknown option '${name}'`);
  }
  // Undefined means "not given", as with BullMQ's options: it must not override a default.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const merged = { ...MEDIAN_PRUNER_DEFAULTS, ...given } as Required<MedianPrunerOptions>;
  for (const [name, min] of Object.entries(MINIMUMS) as [keyof MedianPrunerOptions, number][]) {
    const value = merged[name];
    if (!Number.isSafeInteger(value) || value < min) {
      throw new Error(`median pruner: ${name} must be an integer >= ${min}, got ${String(value)}`);
    }
  }
  return merged;
}

/**
 * Optuna's `_is_first_in_interval_step`: a step is checked when it is the first report at or after
 * the latest checkpoint `warmupSteps + k * intervalSteps`, so a check that falls between two
 * reports is postponed to the next report rather than skipped.
 */
function isFirstInInterval(
  step: number,
  reports: readonly StepValue[],
  warmupSteps: number,
  intervalSteps: number,
): boolean {
  const checkpoint = Math.floor((step - warmupSteps) / intervalSteps) * intervalSteps + warmupSteps;
  let previous = Number.NEGATIVE_INFINITY;
  for (const r of reports) if (r.step !== step && r.step > previous) previous = r.step;
  return previous < checkpoint;
}

/**
 * The percentile pruner (`percentile`), with Optuna's PercentilePruner semantics, losses oriented
 * so that lower is better. For a report at `step`, in this order:
 *
 * 1. keep while fewer than `startupTrials` trials have completed (and always with none);
 * 2. keep when `step < warmupSteps` (Optuna's rule: the check at `step === warmupSteps` happens);
 * 3. keep unless this is the first report at or after a checkpoint
 *    `warmupSteps + k * intervalSteps`;
 * 4. the trial's value is its best (lowest) loss over its reports up to `step`, NaN reports
 *    ignored; a trial whose every report is NaN is pruned (as Optuna does: it has diverged), with
 *    `value` NaN and `rank` one past the last peer;
 * 5. NaN peers are ignored; keep when fewer than `minPeers` remain;
 * 6. prune when the value is strictly worse (greater) than the percentile of the peers; a tie is
 *    kept.
 *
 * Steps 2 and 3 are the rule's `query`: at a step it does not judge it asks nothing of the peers.
 *
 * Differences from Optuna: NaN peers do not count towards `minPeers` (Optuna counts them towards
 * `n_min_trials`, then ignores them in the percentile).
 */
export function createPercentilePruner(options: PercentilePrunerOptions): Pruner {
  const { percentile, ...rest } = options;
  if (!(percentile >= 0 && percentile <= 100)) {
    throw new Error(`percentile pruner: percentile must be in [0, 100], got ${String(percentile)}`);
  }
  return createQuantileRule('percentile', percentile / 100, validate(rest));
}

/** The median pruner (`median`): Optuna's MedianPruner, i.e. the percentile pruner at 50. */
export function createMedianPruner(options: MedianPrunerOptions = {}): Pruner {
  return createQuantileRule('median', 0.5, validate(options));
}

function createQuantileRule(
  rule: string,
  quantile: number,
  { startupTrials, warmupSteps, intervalSteps, minPeers }: Required<MedianPrunerOptions>,
): Pruner {
  return {
    name: rule,
    query({ step, reports }: PruneContext): PeerQuery | null {
      if (reports.length === 0 || step < warmupSteps) return null;
      if (!isFirstInInterval(step, reports, warmupSteps, intervalSteps)) return null;
      const best = bestLoss(step, reports);
      return Number.isNaN(best)
        ? { quantiles: [quantile] }
        : { quantiles: [quantile], rankOf: best };
    },
    decide(input: PruneInput): PruneDecision {
      const { step, reports, completedTrials, peers } = input;
      if (completedTrials === 0 || completedTrials < startupTrials) return CONTINUE;
      if (reports.length === 0) return CONTINUE;
      const best = bestLoss(step, reports);
      const cutoff = peers.quantiles[0] ?? Number.NaN;
      const prune = (rank: number): PruneDecision => ({
        action: 'prune',
        reason: { rule, step, value: best, cutoff, population: peers.count, rank },
      });
      // A trial with nothing but NaN reports is pruned (as in Optuna), ranked last.
      if (Number.isNaN(best)) return prune(peers.count + 1);
      if (peers.count < minPeers || Number.isNaN(cutoff) || !(best > cutoff)) return CONTINUE;
      return prune(peers.better + 1);
    },
  };
}

/** The trial's best (lowest) loss over its reports up to `step`, NaN reports ignored. */
export function bestLoss(step: number, reports: readonly StepValue[]): number {
  let best = Number.NaN;
  for (const r of reports) {
    if (r.step > step || Number.isNaN(r.loss)) continue;
    if (Number.isNaN(best) || r.loss < best) best = r.loss;
  }
  return best;
}

/**
 * The normalized sweep spec: what a validated sweep file or REST body becomes. The schema in
 * `spec-schema.ts` accepts the W&B sweep config as is (plus Rung's own keys) and produces this.
 */
import type { ParameterSpecs } from '@rung/search';

export type Goal = 'minimize' | 'maximize';

/** `bayes` is resolved to a concrete algorithm when the sweep is created; see `SweepView.sampler`. */
export type Method = 'grid' | 'random' | 'bayes' | 'sobol' | 'tpe' | 'gp';

export interface MetricSpec {
  /** The reported metric the sweep optimizes (e.g. `val_loss`). */
  name: string;
  goal: Goal;
  /** Stop the sweep once a trial reaches this value. */
  target?: number;
}

/** Options of the median and percentile rules (Optuna's MedianPruner / PercentilePruner). */
export interface QuantileRuleOptions {
  /** Completed trials needed before anything is pruned (Optuna: n_startup_trials = 5). */
  startup_trials: number;
  /** Steps of each trial never pruned (Optuna: n_warmup_steps = 0). */
  warmup_steps: number;
  /** Check every this many steps (Optuna: interval_steps = 1). */
  interval_steps: number;
  /** Peers needed at a step before comparing there (Optuna: n_min_trials = 1). */
  min_peers: number;
}

/** One early-stopping rule. */
export type PrunerRule =
  | ({ type: 'median' } & QuantileRuleOptions)
  | ({ type: 'percentile'; percentile: number } & QuantileRuleOptions)
  | {
      /** Absolute bounds on the metric, in its own units (Optuna's ThresholdPruner); NaN stops. */
      type: 'threshold';
      lower?: number;
      upper?: number;
      warmup_steps: number;
    }
  | {
      /** No improvement by more than min_delta in `patience` reports (Optuna's PatientPruner). */
      type: 'patience';
      patience: number;
      min_delta: number;
    }
  | {
      /** Successive halving (ASHA; Hyperband with brackets > 1). */
      type: 'asha' | 'hyperband';
      /** The first rung (Ray: grace_period). */
      min_steps: number;
      /** The trials' last step, when known: no rung at or past it. */
      max_steps?: number;
      eta: number;
      brackets: number;
      /** promote: pause at rungs and resume the best from checkpoints; stop: prune at rungs. */
      mode: 'promote' | 'stop';
      /** Rank at a rung by the value there, or by it extrapolated to the next rung. */
      rank_by: 'value' | 'extrapolated';
    }
  | {
      /** W&B's early_terminate hyperband: stopping at W&B's bands (see `wandbBands`). */
      type: 'wandb_hyperband';
      min_iter?: number;
      max_iter?: number;
      s?: number;
      eta: number;
      strict: boolean;
    };

/**
 * Rung's early-stopping rule: none, one rule, or rules together (the first that prunes wins; at
 * most one of them compares against peers). W&B's `early_terminate` becomes `wandb_hyperband`.
 */
export type PrunerSpec = { type: 'none' } | PrunerRule | { type: 'all'; rules: PrunerRule[] };

/** Which registered trainer runs the trials, with its fixed (non-searched) options. */
export interface TrainerSpec {
  name: string;
  options: Record<string, unknown>;
}

/**
 * GPUs a trial may ask for: a share of one GPU (trials then share it, up to a whole), or whole
 * GPUs. Powers of two, so shares always pack into whole GPUs without leaving unusable gaps.
 */
export const GPU_SHARES = [0.125, 0.25, 0.5, 1, 2, 4, 8] as const;

/** What one trial needs of a worker (Ray Tune's `with_resources`). */
export interface ResourceSpec {
  /** GPUs per trial, one of {@link GPU_SHARES}; such trials run only on workers with GPUs. */
  gpus?: number;
  /** CPU cores per trial: reserved on the worker, and the trial's math libraries' thread count. */
  cpus?: number;
}

export interface SweepSpec {
  name?: string;
  description?: string;
  method: Method;
  metric: MetricSpec;
  parameters: ParameterSpecs;
  pruner: PrunerSpec;
  trainer: TrainerSpec;
  /**
   * W&B's `program`: the script each trial runs, as the sweep file names it (relative to the
   * file's folder). A sweep may name it instead of a trainer: it then runs with the trainer a
   * worker registered for that program.
   */
  program?: string;
  /** W&B's `command`: how the program is run, with W&B's macros (`${args}`, …). */
  command?: string[];
  /**
   * What each trial needs. Without it a trial takes one slot: a whole GPU on a worker with GPUs,
   * a CPU slot on one without.
   */
  resources?: ResourceSpec;
  /** Trials in flight at once. */
  parallelism: number;
  /** Trials to run at most (W&B `run_cap`); unset = until the grid is exhausted, or 100 otherwise. */
  run_cap?: number;
  /** Seconds after which the sweep stops and running trials are cancelled. */
  max_duration?: number;
  /**
   * Times a trial is run again when its worker is lost (infrastructure, not the trainer's own
   * failure, which is never retried). @defaultValue 2 (`DEFAULT_MAX_RETRIES`)
   */
  max_retries?: number;
  /**
   * The sweep stops (its running trials cancelled) once its trials have used this many
   * GPU-hours, or cost this much at the cluster's `RUNG_GPU_HOUR_PRICE`. Counted as attempts end.
   */
  budget?: { gpu_hours?: number; cost?: number };
  /** Seed of every suggestion: same seed + same history → same suggestions. */
  seed: number;
}

/** What validation says about a spec that is accepted but not taken literally. */
export interface SpecWarning {
  path: string;
  message: string;
}

/** A sweep's `max_retries` when it sets none. */
export const DEFAULT_MAX_RETRIES = 2;

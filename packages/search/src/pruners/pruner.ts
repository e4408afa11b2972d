/**
 * The one seam between workers and every early-stopping rule (cf. Optuna's BasePruner).
 * A pruner is a pure function of the trial's reports and the rung data of its peers.
 */

/** One intermediate result, oriented so that lower is better. */
export interface StepValue {
  readonly step: number;
  readonly loss: number;
}

export interface PruneInput {
  /** The step just reported (1-based epochs for the built-in trainers; any increasing integer). */
  readonly step: number;
  /** This trial's reports so far, in step order, the latest last. */
  readonly reports: readonly StepValue[];
  /** Losses that completed trials reported at exactly this step. */
  readonly peers: readonly number[];
  /** How many trials of the sweep have completed (run to the end). */
  readonly completedTrials: number;
}

/** Why a trial was pruned: enough to explain the decision to a user. */
export interface PruneReason {
  readonly rule: string;
  readonly step: number;
  /** The trial's value compared with the cutoff (loss-oriented). */
  readonly value: number;
  /** The value the trial had to beat (loss-oriented). */
  readonly cutoff: number;
  /** How many peer values the cutoff was computed from. */
  readonly population: number;
  /** 1-based rank of `value` among peers ∪ {value}, lower is better. */
  readonly rank: number;
}

export type PruneDecision =
  | { readonly prune: false }
  | { readonly prune: true; readonly reason: PruneReason };

export interface Pruner {
  readonly name: string;
  decide(input: PruneInput): PruneDecision;
}

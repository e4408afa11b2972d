/**
 * A sweep at a glance, as the dashboard and `rung report` draw it: the trials as columns (one
 * array per field, compact at 10,000 trials), the learning curves of a chosen few, and parameter
 * importance computed by the scheduler. `GET /v1/sweeps/:id/overview` serves it.
 */
import type { TrialState } from './lifecycle.js';
import type { SweepView } from './trial.js';

/** One axis of the sweep's search space (constants are left out). */
export interface OverviewParameter {
  /** Dotted for nested parameters (`optimizer.lr`). */
  name: string;
  kind: 'number' | 'category';
  /** Drawn on a log scale (the log distributions). */
  log?: boolean;
  /** The labels of a category's values, in the spec's order. */
  categories?: string[];
}

/** The trials as columns: entry i of every array is trial `number[i]`. */
export interface OverviewTrials {
  number: number[];
  state: TrialState[];
  /** The metric's final value (completed and pruned trials), else null. */
  value: (number | null)[];
  lastStep: (number | null)[];
  /**
   * Each parameter's values: numbers (to 6 significant digits: the overview is drawn, and the
   * trial itself has them exactly), or a category's label.
   */
  params: Record<string, (number | string | null)[]>;
  /** Why the trial stopped or paused early, in one line; null for the others. */
  reason: (string | null)[];
}

/** One trial's learning curve: the sweep metric against the step (to 6 significant digits). */
export interface OverviewCurve {
  number: number;
  state: TrialState;
  steps: number[];
  values: number[];
  /** Why it was cut (pruned, paused), in one line. */
  reason?: string;
}

export interface OverviewImportance {
  name: string;
  /** Share of the importances (summing to 1). */
  importance: number;
  /** The variance of the results' ranks it explains alone (0..1). */
  explained: number;
}

export interface SweepOverview {
  sweep: SweepView;
  parameters: OverviewParameter[];
  trials: OverviewTrials;
  /** Learning curves of at most `limit` trials: the active ones, the best, and an even spread of the rest. */
  curves: { total: number; limit: number; series: OverviewCurve[] };
  /** Over the completed trials; empty before three have completed. */
  importance: OverviewImportance[];
  /** The last event of the sweep's log this overview includes: stream from it for what follows. */
  eventId: string;
  /** When the scheduler built it (ms since the epoch). */
  at: number;
}

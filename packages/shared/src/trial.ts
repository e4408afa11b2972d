/** Trials, their states and reports: the records the scheduler, workers and API share. */
import type { Params, PruneReason } from '@rung/search';

/**
 * queued → running → completed | pruned | failed; queued | running → cancelled.
 * A worker that dies mid-trial leaves it `running`; the job is redelivered and runs it again.
 */
export type TrialState = 'queued' | 'running' | 'completed' | 'pruned' | 'failed' | 'cancelled';

export const TRIAL_STATES: readonly TrialState[] = [
  'queued',
  'running',
  'completed',
  'pruned',
  'failed',
  'cancelled',
];

export const TERMINAL_TRIAL_STATES: readonly TrialState[] = [
  'completed',
  'pruned',
  'failed',
  'cancelled',
];

export type SweepState = 'running' | 'completed' | 'cancelled';

/** One intermediate result from a trainer: a step (epoch) and the metrics at that step. */
export interface Report {
  step: number;
  metrics: Record<string, number>;
  /** Milliseconds since the epoch, stamped by the worker. */
  at: number;
}

export interface TrialRecordView {
  id: string;
  sweepId: string;
  number: number;
  state: TrialState;
  params: Params;
  /** The sweep metric's final value (last report), when the trial completed or was pruned. */
  value?: number;
  reports: Report[];
  /** Set when pruned. */
  pruneReason?: PruneReason;
  /** Set when failed or cancelled. */
  error?: string;
  workerId?: string;
  /** TensorFlow.js backend (or `command`, …) the trial ran on. */
  backend?: string;
  /** How many times a worker started the trial (more than 1 after a worker crash). */
  attempt: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
}

/** A sweep as the API and CLI show it. */
export interface SweepView {
  id: string;
  name?: string;
  state: SweepState;
  spec: import('./sweep.js').SweepSpec;
  /** The sampler actually used (what `method: bayes` resolved to). */
  sampler: string;
  /** What validation said about the spec (ignored W&B keys, substitutions). */
  warnings: import('./sweep.js').SpecWarning[];
  /** Trials by state. */
  counts: Record<TrialState, number>;
  /** Trials created so far. */
  trials: number;
  /** The best completed trial so far under the sweep's metric and goal. */
  best?: { trialId: string; number: number; value: number; params: Params };
  /** Why the sweep stopped: `run_cap`, `grid_exhausted`, `max_duration`, `target_reached`, `cancelled`. */
  stopReason?: string;
  createdAt: number;
  finishedAt?: number;
}

/** Trials, their reports and attempts, and sweeps: the records the scheduler, workers and API share. */
import type { Params, Point, PruneReason } from '@rung/search';
import type { SweepState, TrialState } from './lifecycle.js';

/** One intermediate result from a trainer: a step (epoch) and the metrics at that step. */
export interface Report {
  step: number;
  metrics: Record<string, number>;
  /** Milliseconds since the epoch, stamped by the worker. */
  at: number;
}

/** One run of a trial by a worker. A redelivered job starts a new attempt with a clean series. */
export interface Attempt {
  attempt: number;
  workerId: string;
  startedAt: number;
  /** This attempt's reports only, in step order. */
  reports: Report[];
  /**
   * How the attempt ended: the trial's final state, `paused`, `superseded` when its job was
   * handed back and a newer attempt took over, or `lost` when its worker stopped heartbeating.
   * Absent while it runs.
   */
  endedBy?: TrialState | 'superseded' | 'lost';
  endedAt?: number;
  /** Why a lost attempt was lost (`worker w1 stopped heartbeating`). */
  error?: string;
}

/**
 * The last checkpoint a trial's trainer saved: a retried attempt (or a promoted paused trial)
 * resumes from it and reports from the step after it.
 */
export interface TrialCheckpoint {
  /** The trial's checkpoint folder, as the worker that saved it sees it. */
  path: string;
  /** The last step whose state it holds. */
  step: number;
  /** The attempt whose reports hold the trial's steps up to `step`. */
  attempt: number;
  /** Milliseconds since the epoch, when it was announced. */
  at: number;
}

/** A trial as the store holds it and the API shows it. */
export interface Trial {
  id: string;
  sweepId: string;
  number: number;
  state: TrialState;
  params: Params;
  /**
   * The parameters encoded in the unit cube, as samplers work on them. Internal: the API does not
   * send it.
   */
  point?: Point;
  /** The sweep metric's final value (last report), when the trial completed or was pruned. */
  value?: number;
  /** The current (latest) attempt's reports, in step order. */
  reports: Report[];
  /** The last step the current attempt reported. */
  lastStep?: number;
  /** Every attempt with its own reports, oldest first; only when asked for (`GET …/trials/:n`). */
  attempts?: Attempt[];
  /** Set when pruned. */
  pruneReason?: PruneReason;
  /** Why the trial last paused at a rung (successive halving with promotion). */
  pauseReason?: PruneReason;
  /** Set when failed or cancelled. */
  error?: string;
  workerId?: string;
  /** The queue job of the current attempt. */
  jobId?: string;
  /** TensorFlow.js backend (or `command`, …) the trial ran on. */
  backend?: string;
  /** The GPUs its current attempt runs on (indices on its worker; a share may be of one). */
  gpus?: number[];
  /** GPU time its attempts held, in GPU-seconds (a half-GPU trial for 10 s: 5). */
  gpuSeconds?: number;
  /** The most GPU memory its processes used at once, in MiB, as `nvidia-smi` saw it. */
  peakGpuMemoryMiB?: number;
  /** How many times a worker started the trial (more than 1 after a worker crash). */
  attempt: number;
  /**
   * Times the trial was run again for the infrastructure's sake (its worker lost, its job handed
   * back); a trainer's own failure is never retried.
   */
  retries?: number;
  createdAt: number;
  startedAt?: number;
  /** When the current attempt's trainer was loaded and began training. */
  readyAt?: number;
  finishedAt?: number;
  /** The last checkpoint its trainer saved, when it saves any. */
  checkpoint?: TrialCheckpoint;
}

/** A sweep as the API and CLI show it. */
/**
 * What early stopping saved: steps run (a step resumed from a checkpoint is not run again) against
 * `stepsFull`, every trial that reported going on to the last step any trial reported.
 */
export interface SweepCompute {
  stepsRun: number;
  stepsFull: number;
  /** 1 − stepsRun / stepsFull (0 before any report). */
  saved: number;
}

/** A sweep's compute figures from its counters. */
export function sweepCompute(stepsRun: number, trialsRun: number, lastStep: number): SweepCompute {
  const stepsFull = trialsRun * lastStep;
  return { stepsRun, stepsFull, saved: stepsFull > 0 ? 1 - stepsRun / stepsFull : 0 };
}

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
  /** Steps the trials ran, against every trial that ran going to the last step any reached. */
  compute: SweepCompute;
  /** GPU time its trials' ended attempts held, in GPU-seconds (what a `budget` is checked against). */
  gpuSeconds: number;
  /** Why the sweep stopped: `run_cap`, `grid_exhausted`, `max_duration`, `target_reached`, `cancelled`. */
  stopReason?: string;
  createdAt: number;
  finishedAt?: number;
}

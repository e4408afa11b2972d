/** What `GET /v1/sweeps/:id/cost` answers (computed by the scheduler, printed by the CLI). */
import type { SweepState } from './lifecycle.js';

/** Prices per hour, in whatever currency the operator counts in. */
export interface Prices {
  gpuHour?: number;
  cpuHour?: number;
}

export interface SweepCost {
  sweepId: string;
  state: SweepState;
  /** Trials that ran (started at least once). */
  trialsRun: number;
  /** From the sweep's creation to its end (or now). */
  wallSeconds: number;
  /** GPU time the trials held: a half-GPU trial for an hour is 0.5. */
  gpuHours: number;
  /** Time of the trials that ran on CPU slots. */
  cpuHours: number;
  /**
   * What early stopping saved: the steps not run (every trial that ran going on to the last step
   * any trial reached) at the sweep's mean cost of a step, in the hours of its kind (GPU when it
   * used GPUs, else CPU); `savedShare` is the share of the steps.
   */
  savedHours: number;
  savedShare: number;
  /**
   * For each x: when the best completed value first came within x% of the sweep's best (by then:
   * seconds since creation, and GPU+CPU hours of the trials finished by then). Empty before any
   * trial completed.
   */
  toWithin: { percent: number; wallSeconds: number; computeHours: number }[];
  /** At the prices given: hours × price, and what the saved hours would have cost. */
  money?: { spent: number; saved: number; prices: Prices };
}

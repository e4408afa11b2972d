/**
 * The one seam between the scheduler and every search algorithm (cf. Optuna's BaseSampler).
 *
 * Samplers are pure: the same context (space, history, pending points, RNG state) always gives the
 * same point. They may cache work between calls on the same instance (TPE and GP do, to keep the
 * cost of a suggestion from growing with the whole history), but a cache must never change a result.
 */
import type { StepValue } from '../pruners/pruner.js';
import type { Rng } from '../random/rng.js';
import type { Point, SearchSpace } from '../space/search-space.js';

/** Trial states as samplers see them. */
export type FinishedState = 'completed' | 'pruned' | 'failed';

/** A finished trial, as far as a sampler is concerned. */
export interface FinishedTrial {
  readonly number: number;
  readonly state: FinishedState;
  readonly point: Point;
  /**
   * The objective, oriented so that lower is better (the caller negates maximized metrics).
   * For pruned trials: the last reported value; undefined for failed trials.
   */
  readonly loss?: number;
  /** The last step the trial reported: where a pruned trial was stopped, or a completed one ended. */
  readonly step?: number;
  /**
   * Losses at some of the steps the trial reported, ascending (see curve-sketch.ts), for samplers
   * that model the loss over configuration and step ({@link Sampler.readsCurves}). Optional:
   * without it a stopped trial tells its last loss and step only.
   */
  readonly curve?: readonly StepValue[];
}

export interface SuggestContext {
  readonly space: SearchSpace;
  /** Finished trials, in trial-number order. */
  readonly history: readonly FinishedTrial[];
  /** Points of trials that are queued or running: suggestions should not pile onto them. */
  readonly pending: readonly Point[];
  /** Seeded per (sweep seed, trial number). */
  readonly rng: Rng;
  /** The sweep's seed, for state that must be the same for every trial (a Sobol scramble). */
  readonly seed: number;
  /** The number the suggested trial will get (0-based). */
  readonly trialNumber: number;
}

export interface Sampler {
  /** The algorithm's name as recorded on the sweep (`random`, `grid`, `sobol`, `tpe`, `gp`). */
  readonly name: string;
  /** The next point to try, or `null` when the space is exhausted (grid). */
  suggest(ctx: SuggestContext): Point | null;
  /**
   * True when `suggest` never reads `ctx.history` (random, Sobol): a caller then need not keep
   * one, which at a million finished trials is most of a scheduler's memory.
   * @defaultValue false
   */
  readonly ignoresHistory?: boolean;
  /**
   * True when `suggest` reads `FinishedTrial.curve` (GP-BO): a caller then keeps each active
   * trial's thinned curve to send with it.
   * @defaultValue false
   */
  readonly readsCurves?: boolean;
}

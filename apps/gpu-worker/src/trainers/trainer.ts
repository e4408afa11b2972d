/**
 * The trainer seam: what a trial's child process calls, and what it hands the trainer.
 *
 * A trainer is a module exporting `train(params, ctx)`. It learns, calls `ctx.report` once per
 * step (epoch), and returns its final metrics (or nothing: the last report stands for them). It
 * runs in its own child process, so a crash or a hang never reaches the worker.
 */
import type { Params } from '@rung/search';

/** What a trainer receives besides its parameters. */
export interface TrainerContext {
  /** The trial's id (`<sweep>-<number>`). */
  trialId: string;
  /**
   * Record one intermediate result. `step` is 1-based and increasing (an epoch for the built-in
   * trainers); `metrics` are plain numbers. Throws a `TypeError` on a malformed report, so a bug
   * in a trainer shows where it happened instead of as a puzzle in the worker.
   */
  report(step: number, metrics: Record<string, number>): void;
  /** Aborted when the trial is pruned or cancelled: stop at the next batch and return. */
  signal: AbortSignal;
  /** The trainer's options from the sweep spec (`trainer.options`), not searched over. */
  options: Record<string, unknown>;
  /** The trial's seed: weights, shuffling and dropout derive from it. */
  seed: number;
  /** The TensorFlow.js backend in use (`tensorflow`, `wasm`, `cpu`), or `none`. */
  backend: string;
  /** A line for the worker's log, tagged with the trial. */
  log(message: string): void;
  /**
   * The trial's checkpoint folder, the same for all its attempts (under the worker's
   * `RUNG_CHECKPOINT_ROOT`); not created until the trainer creates it. Save there what a later
   * attempt needs to go on — weights, optimizer state — then call `checkpointSaved`.
   */
  checkpointDir: string;
  /**
   * Set when an earlier attempt of this trial saved a checkpoint (its worker died, or the trial
   * was paused and is now promoted): load it from `dir` and go on from `step + 1`. Reports at
   * or before `step` are ignored: the trial has them already.
   */
  resumeFrom?: { dir: string; step: number };
  /**
   * Say that `checkpointDir` now holds the state after `step` (saved completely: write to a
   * temporary name and rename). A retried attempt resumes from the last one said.
   */
  checkpointSaved(step: number): void;
}

/** Final metrics of a trial; when a trainer returns nothing, its last report is used. */
export type TrainResult = Record<string, number>;

/** A trainer module: the shape a user's module must export. */
export interface Trainer {
  /** Train with `params`, reporting through `ctx`, until done or until `ctx.signal` aborts. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a trainer may simply not return anything.
  train(params: Params, ctx: TrainerContext): Promise<TrainResult | undefined | void>;
  /**
   * Whether the trial process selects a TensorFlow.js backend before training. A trainer that
   * does not use TensorFlow.js sets this to `false`, and is spared loading it (about a second).
   * @defaultValue true
   */
  tfjs?: boolean;
  /**
   * Whether the trial process may run this trainer's next trial too, instead of exiting after
   * one: no fork and no loading between trials. Only for trainers that leave nothing behind
   * (globals, open handles, memory) that could change the next trial.
   * @defaultValue false
   */
  reusable?: boolean;
}

/**
 * A trial's configuration is wrong (an unknown or out-of-range parameter, a bad option): running
 * it again cannot help, so the worker should fail it without retrying.
 */
export class TrainerConfigError extends Error {
  /** Stable code that crosses the process boundary with the message. */
  readonly code = 'trainer_config';

  constructor(message: string) {
    super(message);
    this.name = 'TrainerConfigError';
  }
}

/** Training blew up numerically (loss is NaN or infinite), typically a learning rate too high. */
export class TrainingDivergedError extends Error {
  /** Stable code that crosses the process boundary with the message. */
  readonly code = 'training_diverged';

  constructor(message: string) {
    super(message);
    this.name = 'TrainingDivergedError';
  }
}

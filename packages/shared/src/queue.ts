/** The BullMQ contract between the scheduler (producer) and the workers (consumers). */
import type { Params } from '@rung/search';
import type { ResourceSpec, TrainerSpec } from './sweep.js';

/** @defaultValue the queue every trial of every sweep goes through. */
export const DEFAULT_TRIAL_QUEUE = 'rung-trials';

/** The payload of a trial job. The trial's state lives in Redis; this only says what to run. */
export interface TrialJob {
  sweepId: string;
  number: number;
  trialId: string;
  trainer: TrainerSpec;
  params: Params;
  /** Seed for the trainer (weight init, shuffling): derived from the sweep seed and trial number. */
  seed: number;
  /** What the trial needs of a worker, when its sweep says. */
  resources?: ResourceSpec;
  /** The W3C trace context of the trial's `trial.queued` span, when tracing is on. */
  traceparent?: string;
}

/**
 * The queue a sweep's trials go through: the base queue, which every worker serves, or one per
 * GPU share (`rung-trials-gpu0.5`), which only workers with GPUs serve, each taking from it only
 * while such a trial fits on its free GPUs.
 */
export function trialQueueName(base: string, resources: ResourceSpec | undefined): string {
  return resources?.gpus === undefined ? base : `${base}-gpu${resources.gpus}`;
}

/**
 * BullMQ job id of a queued trial that has been started `attempts` times so far (0 when new; a
 * paused trial queued again has a higher count). Derived, so a retried enqueue is a no-op while
 * the job exists, and a promoted trial gets a new job; BullMQ ids must not contain ':' nor be all
 * digits, and trial ids never are.
 */
export function trialJobId(trialId: string, attempts = 0): string {
  return `${trialId}-e${attempts + 1}`;
}

/** The trainer's seed for a trial: stable, distinct per trial, within 31 bits for tfjs. */
export function trialSeed(sweepSeed: number, number: number): number {
  let h = (sweepSeed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (number + 0x7f4a7c15), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) & 0x7fffffff;
}

/**
 * The built-in trainers, by name. A sweep names a trainer; it never names code to run, so only
 * these, and module trainers from the worker's own config (passed to the trial process by path),
 * can execute.
 *
 * Entries load lazily: listing or checking names does not import TensorFlow.js, which only the
 * trial's child process should pay for.
 */
import type { Trainer } from './trainer.js';

/** One registered trainer. */
export interface TrainerEntry {
  /** The name a sweep's `trainer.name` refers to. */
  name: string;
  /** One line for `rung trainers` and the API. */
  description: string;
  /** Imports the trainer module; called in the trial's child process. */
  load(): Promise<Trainer>;
}

/** A sweep named a trainer that this worker does not have. */
export class UnknownTrainerError extends Error {
  /** Stable code that crosses the process boundary with the message. */
  readonly code = 'unknown_trainer';

  constructor(name: string, known: readonly string[]) {
    super(`unknown trainer "${name}"; this worker has: ${known.join(', ') || '(none)'}`);
    this.name = 'UnknownTrainerError';
  }
}

const BUILT_IN: readonly TrainerEntry[] = [
  {
    name: 'mlp',
    description:
      'TensorFlow.js MLP classifier on a generated tabular (or spirals) data set; reports loss, accuracy, val_loss, val_accuracy per epoch',
    load: async () => await import('./mlp/mlp-trainer.js'),
  },
  {
    name: 'sleep',
    description:
      'waits options.seconds_per_step per step and reports a synthetic curve of its parameters (val_loss, loss); no TensorFlow.js — for load tests and smoke tests',
    load: async () => await import('./sleep/sleep-trainer.js'),
  },
];

const entries: ReadonlyMap<string, TrainerEntry> = new Map<string, TrainerEntry>(
  BUILT_IN.map((e) => [e.name, e]),
);

/** Names of the built-in trainers, sorted: what this worker registers in Redis. */
export function listTrainers(): string[] {
  return [...entries.keys()].sort();
}

/**
 * Imports and returns the trainer registered as `name`.
 * @throws UnknownTrainerError when no trainer has that name
 * @throws TypeError when the module does not export a `train` function
 */
export async function loadTrainer(name: string): Promise<Trainer> {
  const entry = entries.get(name);
  if (!entry) throw new UnknownTrainerError(name, listTrainers());
  return asTrainer(await entry.load(), `trainer "${name}"`);
}

/**
 * Checks that an imported module has the trainer shape.
 * @param what names the module in the error message
 */
export function asTrainer(mod: unknown, what: string): Trainer {
  const train = (mod as { train?: unknown } | null)?.train;
  if (typeof train !== 'function') {
    throw new TypeError(`${what} does not export a train(params, ctx) function`);
  }
  const tfjs = (mod as { tfjs?: unknown }).tfjs;
  const reusable = (mod as { reusable?: unknown }).reusable;
  return { train: train as Trainer['train'], tfjs: tfjs !== false, reusable: reusable === true };
}

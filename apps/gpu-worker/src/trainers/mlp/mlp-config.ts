/**
 * The `mlp` trainer's hyperparameters and options: defaults, and eager validation, so a typo in a
 * sweep (`learning_rte`) fails the trial at once with its name instead of silently training with
 * the default.
 */
import type { Params, ParamValue } from '@rung/search';
import { TrainerConfigError } from '../trainer.js';
import { DATASETS, type DatasetName } from './dataset.js';

/** Activation functions of the hidden layers. */
export const ACTIVATIONS = ['relu', 'tanh', 'elu', 'sigmoid'] as const;
/** Optimizers. */
export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop', 'adagrad'] as const;

/** The searchable hyperparameters, all optional in a sweep. */
export interface MlpParams {
  /** @defaultValue 0.003 */
  learning_rate: number;
  /**
   * Rows per gradient step. 64 rather than the usual 32: on the wasm backend each step costs
   * mostly fixed per-op overhead, so 64 trains an epoch in about 60% of the time.
   * @defaultValue 64
   */
  batch_size: number;
  /** Units per hidden layer. @defaultValue 64 */
  hidden_units: number;
  /** 0 makes it a softmax regression. @defaultValue 2 */
  hidden_layers: number;
  /** @defaultValue 'relu' */
  activation: (typeof ACTIVATIONS)[number];
  /** Dropout rate after each hidden layer, in [0, 1). @defaultValue 0 */
  dropout: number;
  /** @defaultValue 'adam' */
  optimizer: (typeof OPTIMIZERS)[number];
  /** @defaultValue `options.epochs`, else 20 */
  epochs: number;
}

/** Fixed per sweep (`trainer.options`), not searched. */
export interface MlpOptions {
  /** @defaultValue 'tabular' */
  dataset: DatasetName;
  /** Default for the `epochs` parameter. @defaultValue 20 */
  epochs: number;
  /** Rows generated, train + validation. @defaultValue 3000 */
  samples: number;
  /** Share of rows held out for validation. @defaultValue 0.2 */
  validation_fraction: number;
  /** Seed of the generated data (the trial seed drives weights, shuffling and dropout). @defaultValue 0 */
  data_seed: number;
}

/** Defaults of {@link MlpOptions}. */
export const DEFAULT_MLP_OPTIONS: Readonly<MlpOptions> = {
  dataset: 'tabular',
  epochs: 20,
  samples: 3000,
  validation_fraction: 0.2,
  data_seed: 0,
};

/** Defaults of {@link MlpParams}, except `epochs` (which comes from the options). */
export const DEFAULT_MLP_PARAMS: Readonly<Omit<MlpParams, 'epochs'>> = {
  learning_rate: 0.003,
  batch_size: 64,
  hidden_units: 64,
  hidden_layers: 2,
  activation: 'relu',
  dropout: 0,
  optimizer: 'adam',
};

/** Validates `trainer.options` and fills in defaults. */
export function parseMlpOptions(raw: Record<string, unknown>): MlpOptions {
  rejectUnknown(raw, Object.keys(DEFAULT_MLP_OPTIONS), 'option');
  const o = { ...DEFAULT_MLP_OPTIONS, ...raw };
  return {
    dataset: oneOf('option dataset', o.dataset, DATASETS),
    epochs: integer('option epochs', o.epochs, 1, 10_000),
    samples: integer('option samples', o.samples, 20, 1_000_000),
    validation_fraction: real('option validation_fraction', o.validation_fraction, 0.01, 0.9),
    data_seed: integer('option data_seed', o.data_seed, 0, 2 ** 32 - 1),
  };
}

/** Validates a trial's parameters and fills in defaults. */
export function parseMlpParams(raw: Params, options: MlpOptions): MlpParams {
  const defaults = { ...DEFAULT_MLP_PARAMS, epochs: options.epochs };
  rejectUnknown(raw, Object.keys(defaults), 'parameter');
  const p: Record<string, ParamValue | Params> = { ...defaults, ...raw };
  return {
    learning_rate: real('learning_rate', p.learning_rate, Number.MIN_VALUE, 100),
    batch_size: integer('batch_size', p.batch_size, 1, 1_000_000),
    hidden_units: integer('hidden_units', p.hidden_units, 1, 4096),
    hidden_layers: integer('hidden_layers', p.hidden_layers, 0, 16),
    activation: oneOf('activation', p.activation, ACTIVATIONS),
    dropout: real('dropout', p.dropout, 0, 0.95),
    optimizer: oneOf('optimizer', p.optimizer, OPTIMIZERS),
    epochs: integer('epochs', p.epochs, 1, 10_000),
  };
}

function rejectUnknown(raw: object, known: readonly string[], what: string): void {
  const unknown = Object.keys(raw).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new TrainerConfigError(
      `mlp trainer: unknown ${what}${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; ` +
        `known ${what}s: ${known.join(', ')}`,
    );
  }
}

function real(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new TrainerConfigError(
      `mlp trainer: ${name} must be a number in ${min === Number.MIN_VALUE ? '(0' : `[${min}`}, ${max}]; got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function integer(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new TrainerConfigError(
      `mlp trainer: ${name} must be an integer in [${min}, ${max}]; got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new TrainerConfigError(
      `mlp trainer: ${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}`,
    );
  }
  return v as T;
}

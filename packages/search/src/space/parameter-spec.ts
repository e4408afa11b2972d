/**
 * Normalized parameter specifications, with W&B sweep semantics.
 *
 * The sweep-spec schema in `@rung/shared` validates a user's `parameters` block and produces
 * these objects (distribution always explicit, bounds checked); the search engine only ever sees
 * normalized specs.
 */

/** A value a trial receives for one parameter. */
export type ParamValue =
  | string
  | number
  | boolean
  | null
  | readonly ParamValue[]
  | { readonly [key: string]: ParamValue };

/** Whether two parameter values are the same (lists and objects compared as JSON). */
export function sameValue(a: ParamValue | undefined, b: ParamValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Nested parameters as the trainer receives them: `{ optimizer: { lr: 0.01 } }`. */
export interface Params {
  [name: string]: ParamValue | Params;
}

export interface ConstantSpec {
  distribution: 'constant';
  value: ParamValue;
}
export interface CategoricalSpec {
  distribution: 'categorical';
  values: readonly ParamValue[];
  /** W&B's weights, one per value, summing to 1: random (and Sobol) search draws by them. */
  probabilities?: readonly number[];
}
/** Integers in [min, max], both inclusive. */
export interface IntUniformSpec {
  distribution: 'int_uniform';
  min: number;
  max: number;
}
/**
 * Real-valued distributions with finite bounds. `log_uniform`: bounds are natural-log exponents
 * (value = e^U(min, max)); `*_values`: bounds are the values themselves. `q_*`: rounded to a
 * multiple of `q`. `inv_log_uniform_values`: 1/X is log-uniform in [1/max, 1/min], which is the
 * same law as X log-uniform in [min, max].
 */
export interface BoundedSpec {
  distribution:
    | 'uniform'
    | 'q_uniform'
    | 'log_uniform'
    | 'q_log_uniform'
    | 'log_uniform_values'
    | 'q_log_uniform_values'
    | 'inv_log_uniform'
    | 'inv_log_uniform_values';
  min: number;
  max: number;
  /** Quantum; only for the `q_*` distributions (default 1 there). */
  q?: number;
}
/** Unbounded: X ~ N(mu, sigma); log_normal: ln X ~ N(mu, sigma). */
export interface NormalSpec {
  distribution: 'normal' | 'q_normal' | 'log_normal' | 'q_log_normal';
  mu: number;
  sigma: number;
  q?: number;
}
/** A group of parameters; the trainer receives them as a nested object. */
export interface NestedSpec {
  parameters: ParameterSpecs;
}

export type ParameterSpec =
  | ConstantSpec
  | CategoricalSpec
  | IntUniformSpec
  | BoundedSpec
  | NormalSpec
  | NestedSpec;

export type ParameterSpecs = { readonly [name: string]: ParameterSpec };

export type Distribution = Exclude<ParameterSpec, NestedSpec>['distribution'];

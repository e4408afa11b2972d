/**
 * One zod schema per W&B distribution. Each accepts the user's object for that distribution
 * (with `distribution` optional, since it may have been inferred) and produces the normalized
 * spec of `@rung/search`: defaults filled in, `q` only on the `q_*` distributions.
 */
import type {
  BoundedSpec,
  CategoricalSpec,
  ConstantSpec,
  IntUniformSpec,
  NormalSpec,
  ParamValue,
} from '@rung/search';
import { z } from 'zod';
import { jsonProblem } from './json-data.js';

/** A parameter's value: any JSON data, as W&B allows (a string, a number, a list, an object…). */
export const paramValueSchema = z.unknown().transform((value, ctx): ParamValue => {
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', message: 'required' });
    return z.NEVER;
  }
  const problem = jsonProblem(value, []);
  if (problem) {
    ctx.addIssue({
      code: 'custom',
      path: problem.path,
      message: `must be JSON data (${problem.why})`,
    });
    return z.NEVER;
  }
  return value as ParamValue;
});

/** W&B's quantum: positive, 1 by default. */
const q = z.number().gt(0).default(1);

/** A strict object for one distribution: any other key is an error naming the distribution. */
function form<const D extends string, S extends z.core.$ZodLooseShape>(distribution: D, shape: S) {
  return z.strictObject(
    { distribution: z.literal(distribution).optional(), ...shape },
    {
      error: (iss) =>
        iss.code === 'unrecognized_keys'
          ? `not allowed with distribution ${distribution}`
          : undefined,
    },
  );
}

function minBelowMax(v: { min: number; max: number }, ctx: z.core.$RefinementCtx): void {
  if (!(v.min < v.max)) ctx.addIssue({ code: 'custom', path: ['min'], message: 'must be < max' });
}

function constant() {
  return form('constant', { value: paramValueSchema }).transform(
    (v): ConstantSpec => ({ distribution: 'constant', value: v.value }),
  );
}

/**
 * A categorical, with W&B's optional `probabilities` (one per value, summing to 1), by which
 * random search draws; `categorical_w_probabilities` is W&B's name for one that must have them.
 */
function categorical<const D extends 'categorical' | 'categorical_w_probabilities'>(
  distribution: D,
) {
  const probabilities = z.array(z.number().min(0)).min(1);
  return form(distribution, {
    values: z.array(paramValueSchema).min(1),
    probabilities: distribution === 'categorical' ? probabilities.optional() : probabilities,
  })
    .superRefine((v, ctx) => {
      if (v.probabilities !== undefined) {
        if (v.probabilities.length !== v.values.length) {
          ctx.addIssue({
            code: 'custom',
            path: ['probabilities'],
            message: `needs one probability per value: ${v.values.length} values, ${v.probabilities.length} probabilities`,
          });
        } else {
          const sum = v.probabilities.reduce((a, b) => a + b, 0);
          if (Math.abs(sum - 1) > 1e-6) {
            ctx.addIssue({
              code: 'custom',
              path: ['probabilities'],
              message: `must sum to 1, got ${sum}`,
            });
          }
        }
      }
      // A repeated value would make the value → index mapping of samplers ambiguous. One pass
      // with a map: a spec of 100,000s of values must not cost their square.
      // Lists and objects are compared by content (as JSON), as samplers map values to indices.
      const firstIndex = new Map<unknown, number>();
      v.values.forEach((value, i) => {
        const key =
          typeof value === 'object' && value !== null ? `json:${JSON.stringify(value)}` : value;
        const first = firstIndex.get(key) ?? i;
        if (first === i) firstIndex.set(key, i);
        else {
          ctx.addIssue({
            code: 'custom',
            path: ['values', i],
            message: `duplicate of values.${first}`,
          });
        }
      });
    })
    .transform(
      (v): CategoricalSpec =>
        v.probabilities === undefined
          ? { distribution: 'categorical', values: v.values }
          : { distribution: 'categorical', values: v.values, probabilities: v.probabilities },
    );
}

function intUniform() {
  return form('int_uniform', { min: z.number().int(), max: z.number().int() })
    .superRefine(minBelowMax)
    .transform((v): IntUniformSpec => ({ distribution: 'int_uniform', min: v.min, max: v.max }));
}

type Unquantized = 'uniform' | 'log_uniform' | 'log_uniform_values' | 'inv_log_uniform';
type Quantized = Exclude<BoundedSpec['distribution'], Unquantized | 'inv_log_uniform_values'>;

/** `*_values` log distributions take the values themselves as bounds, so they must be > 0. */
function lowerBound(distribution: string) {
  return distribution.endsWith('_values') ? z.number().gt(0) : z.number();
}

function bounded<const D extends Unquantized | 'inv_log_uniform_values'>(distribution: D) {
  return form(distribution, { min: lowerBound(distribution), max: z.number() })
    .superRefine(minBelowMax)
    .transform((v): BoundedSpec => ({ distribution, min: v.min, max: v.max }));
}

function quantizedBounded<const D extends Quantized>(distribution: D) {
  return form(distribution, { min: lowerBound(distribution), max: z.number(), q })
    .superRefine((v, ctx) => {
      minBelowMax(v, ctx);
      // q_log_uniform's bounds are exponents, the others' are values. Samples are rounded to a
      // multiple of q inside the bounds (as in @rung/search's dimension), so there must be one.
      const [low, high] =
        distribution === 'q_log_uniform' ? [Math.exp(v.min), Math.exp(v.max)] : [v.min, v.max];
      if (v.min < v.max && v.q > 0 && Math.ceil(low / v.q - 1e-9) > Math.floor(high / v.q + 1e-9)) {
        ctx.addIssue({
          code: 'custom',
          path: ['q'],
          message: 'no multiple of q lies between the bounds',
        });
      }
    })
    .transform((v): BoundedSpec => ({ distribution, min: v.min, max: v.max, q: v.q }));
}

const mu = z.number().default(0);
const sigma = z.number().gt(0).default(1);

function normal<const D extends 'normal' | 'log_normal'>(distribution: D) {
  return form(distribution, { mu, sigma }).transform(
    (v): NormalSpec => ({ distribution, mu: v.mu, sigma: v.sigma }),
  );
}

function quantizedNormal<const D extends 'q_normal' | 'q_log_normal'>(distribution: D) {
  return form(distribution, { mu, sigma, q }).transform(
    (v): NormalSpec => ({ distribution, mu: v.mu, sigma: v.sigma, q: v.q }),
  );
}

/** The schema of each distribution name a spec may give, W&B's alias included. */
export const distributionSchemas = {
  constant: constant(),
  categorical: categorical('categorical'),
  categorical_w_probabilities: categorical('categorical_w_probabilities'),
  int_uniform: intUniform(),
  uniform: bounded('uniform'),
  q_uniform: quantizedBounded('q_uniform'),
  log_uniform: bounded('log_uniform'),
  q_log_uniform: quantizedBounded('q_log_uniform'),
  log_uniform_values: bounded('log_uniform_values'),
  q_log_uniform_values: quantizedBounded('q_log_uniform_values'),
  inv_log_uniform: bounded('inv_log_uniform'),
  inv_log_uniform_values: bounded('inv_log_uniform_values'),
  normal: normal('normal'),
  q_normal: quantizedNormal('q_normal'),
  log_normal: normal('log_normal'),
  q_log_normal: quantizedNormal('q_log_normal'),
};

/** A distribution name accepted in a spec. */
export type DistributionName = keyof typeof distributionSchemas;

export const DISTRIBUTION_NAMES = Object.keys(distributionSchemas) as DistributionName[];

/** Every key a parameter object may hold, for "did you mean" hints. */
export const PARAMETER_KEYS = [
  'distribution',
  'value',
  'values',
  'probabilities',
  'min',
  'max',
  'q',
  'mu',
  'sigma',
  'parameters',
] as const;

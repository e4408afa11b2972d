/** Spaces, a sweep loop and value checks shared by the sampler tests. */
import { expect } from 'vitest';
import {
  buildSpace,
  createRng,
  type FinishedTrial,
  type ParameterSpec,
  type ParameterSpecs,
  type Params,
  type Point,
  type Sampler,
  type SearchSpace,
  type SuggestContext,
} from '../src/index.js';

/** Every distribution, nested parameters and constants: what a continuous-capable sampler meets. */
export const MIXED_SPECS: ParameterSpecs = {
  epochs: { distribution: 'constant', value: 3 },
  activation: { distribution: 'categorical', values: ['relu', 'tanh', null, true] },
  layers: { distribution: 'int_uniform', min: 1, max: 4 },
  dropout: { distribution: 'uniform', min: 0, max: 0.5 },
  width: { distribution: 'q_uniform', min: 16, max: 256, q: 16 },
  momentum: { distribution: 'q_uniform', min: 0.05, max: 0.95, q: 0.1 },
  decay: { distribution: 'log_uniform', min: -9, max: -2 },
  warmup: { distribution: 'q_log_uniform', min: 0, max: 5, q: 10 },
  eps: { distribution: 'inv_log_uniform', min: 2, max: 8 },
  clip: { distribution: 'inv_log_uniform_values', min: 0.1, max: 10 },
  shift: { distribution: 'normal', mu: 1, sigma: 2 },
  scale: { distribution: 'log_normal', mu: 0, sigma: 1 },
  offset: { distribution: 'q_normal', mu: 0, sigma: 3, q: 0.5 },
  count: { distribution: 'q_log_normal', mu: 2, sigma: 0.5, q: 1 },
  optimizer: {
    parameters: {
      lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1e-1 },
      batch: { distribution: 'q_log_uniform_values', min: 8, max: 512, q: 8 },
      kind: { distribution: 'categorical', values: ['adam', 'sgd'] },
    },
  },
};

/** A finite space (3 · 4 · 5 · 2 = 120 combinations) with nesting and a constant. */
export const DISCRETE_SPECS: ParameterSpecs = {
  seed: { distribution: 'constant', value: 7 },
  activation: { distribution: 'categorical', values: ['relu', 'tanh', false] },
  layers: { distribution: 'int_uniform', min: 1, max: 4 },
  optimizer: {
    parameters: {
      momentum: { distribution: 'q_uniform', min: 0, max: 1, q: 0.25 },
      kind: { distribution: 'categorical', values: ['adam', 'sgd'] },
    },
  },
};

/** A deterministic objective over the point, so that model-based samplers have something to fit. */
export function lossOf(space: SearchSpace, point: Point): number {
  return space.dimensions.reduce((sum, dim, i) => {
    const x = point[i]!;
    return sum + (dim.kind === 'categorical' ? 0.1 * x : (x - 0.3) ** 2);
  }, 0);
}

export function context(
  space: SearchSpace,
  trialNumber: number,
  history: readonly FinishedTrial[] = [],
  pending: readonly Point[] = [],
  seed = 42,
): SuggestContext {
  return { space, history, pending, rng: createRng(seed, trialNumber), seed, trialNumber };
}

/**
 * Runs `n` trials one after the other, each finished before the next is suggested. Trial 3 fails
 * and trial 5 is pruned, as in a real sweep. Stops early when the sampler returns null.
 */
export function runSweep(
  sampler: Sampler,
  space: SearchSpace,
  n: number,
  seed = 42,
): FinishedTrial[] {
  const history: FinishedTrial[] = [];
  for (let i = 0; i < n; i++) {
    const point = sampler.suggest(context(space, i, history, [], seed));
    if (point === null) break;
    const loss = lossOf(space, point);
    if (i === 3) history.push({ number: i, state: 'failed', point });
    else if (i === 5) history.push({ number: i, state: 'pruned', point, loss, step: 2 });
    else history.push({ number: i, state: 'completed', point, loss });
  }
  return history;
}

function isMultiple(v: number, q: number): boolean {
  return Math.abs(v / q - Math.round(v / q)) < 1e-9;
}

function checkValue(
  path: string,
  spec: Exclude<ParameterSpec, { parameters: unknown }>,
  v: unknown,
) {
  const where = `${path}=${String(v)}`;
  if (spec.distribution === 'constant') return expect(v, where).toBe(spec.value);
  if (spec.distribution === 'categorical') return expect(spec.values, where).toContain(v);
  expect(typeof v, where).toBe('number');
  const x = v as number;
  expect(Number.isFinite(x), where).toBe(true);
  if (spec.distribution === 'int_uniform') {
    expect(Number.isInteger(x), where).toBe(true);
    expect(x, where).toBeGreaterThanOrEqual(spec.min);
    expect(x, where).toBeLessThanOrEqual(spec.max);
    return;
  }
  if (spec.distribution.startsWith('q_')) {
    expect(isMultiple(x, (spec as { q?: number }).q ?? 1), where).toBe(true);
  }
  const bounds: Record<string, [number, number] | undefined> = {
    uniform: 'min' in spec ? [spec.min, spec.max] : undefined,
    q_uniform: 'min' in spec ? [spec.min, spec.max] : undefined,
    log_uniform: 'min' in spec ? [Math.exp(spec.min), Math.exp(spec.max)] : undefined,
    q_log_uniform: 'min' in spec ? [Math.exp(spec.min), Math.exp(spec.max)] : undefined,
    log_uniform_values: 'min' in spec ? [spec.min, spec.max] : undefined,
    q_log_uniform_values: 'min' in spec ? [spec.min, spec.max] : undefined,
    inv_log_uniform: 'min' in spec ? [Math.exp(-spec.max), Math.exp(-spec.min)] : undefined,
    inv_log_uniform_values: 'min' in spec ? [spec.min, spec.max] : undefined,
    log_normal: [0, Number.POSITIVE_INFINITY],
  };
  const b = bounds[spec.distribution];
  if (b) {
    expect(x, where).toBeGreaterThanOrEqual(b[0] * (1 - 1e-12));
    expect(x, where).toBeLessThanOrEqual(b[1] * (1 + 1e-12));
  }
  if (spec.distribution === 'log_normal') expect(x, where).toBeGreaterThan(0);
}

/** Asserts that `params` hold a valid value of the right type for every spec, nesting included. */
export function expectValidParams(specs: ParameterSpecs, params: Params, prefix = ''): void {
  expect(Object.keys(params).sort()).toEqual(Object.keys(specs).sort());
  for (const [name, spec] of Object.entries(specs)) {
    const value = params[name];
    if ('parameters' in spec) {
      expect(typeof value, `${prefix}${name} is a group`).toBe('object');
      expectValidParams(spec.parameters, value as Params, `${prefix}${name}.`);
    } else {
      checkValue(prefix + name, spec, value);
    }
  }
}

/** Asserts that a point is well formed: integer category indices, unit numeric coordinates. */
export function expectValidPoint(space: SearchSpace, point: Point): void {
  expect(point).toHaveLength(space.dimensions.length);
  space.dimensions.forEach((dim, i) => {
    const x = point[i]!;
    if (dim.kind === 'categorical') {
      expect(Number.isInteger(x), dim.name).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(dim.values.length);
    } else {
      expect(x, dim.name).toBeGreaterThanOrEqual(0);
      expect(x, dim.name).toBeLessThanOrEqual(1);
    }
  });
}

export { buildSpace };

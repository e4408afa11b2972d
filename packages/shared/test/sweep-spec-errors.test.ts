import { createRng, type Rng } from '@rung/search';
import { describe, expect, it } from 'vitest';
import { SpecError, type SpecIssue } from '../src/errors.js';
import { parseSweepSpec } from '../src/spec/sweep-schema.js';

const base = {
  method: 'random',
  metric: { name: 'loss' },
  parameters: { x: { value: 1 } },
  trainer: 'mlp',
};

/** The SpecError that parsing `input` throws (fails the test if it does not throw one). */
function specErrorOf(input: unknown): SpecError {
  try {
    parseSweepSpec(input);
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw new Error(`threw ${String(error)} instead of a SpecError`);
  }
  throw new Error('accepted a bad spec');
}

const withParameter = (entry: unknown, method = 'random') => ({
  ...base,
  method,
  parameters: { p: entry },
});

describe('parseSweepSpec: bad specs name the exact field', () => {
  // [input, the error message: the first issue as `path: message`]
  const cases: [string, unknown, string][] = [
    // Whole document
    ['null', null, '(root): expected an object, got null'],
    ['a list', [], '(root): expected an object, got a list'],
    ['a number', 3, '(root): expected an object, got a number'],
    ['empty object', {}, 'method: required'],
    // Top level
    [
      'typo of a key',
      { ...base, paramaters: {} },
      "paramaters: unknown key; did you mean 'parameters'?",
    ],
    ['swapped letters', { ...base, mehtod: 'grid' }, "mehtod: unknown key; did you mean 'method'?"],
    ['unknown key, no hint', { ...base, gpus: 2 }, 'gpus: unknown key'],
    [
      'W&B multi-objective',
      { ...base, metrics: [] },
      'metrics: multi-objective sweeps are not supported; give one metric',
    ],
    [
      'W&B custom scheduler',
      { ...base, scheduler: {} },
      'scheduler: custom schedulers are not supported; choose a method',
    ],
    [
      'bad method',
      { ...base, method: 'hyperopt' },
      'method: must be one of grid, random, bayes, sobol, tpe, gp',
    ],
    [
      'W&B custom method',
      { ...base, method: 'custom' },
      'method: must be one of grid, random, bayes, sobol, tpe, gp',
    ],
    ['missing parameters', { method: 'random' }, 'parameters: required'],
    [
      'empty parameters',
      { ...base, parameters: {} },
      'parameters: must name at least one parameter',
    ],
    [
      'parameters as a list',
      { ...base, parameters: [{ x: 1 }] },
      'parameters: expected an object of named parameters, got a list',
    ],
    ['parallelism 0', { ...base, parallelism: 0 }, 'parallelism: must be >= 1'],
    ['fractional parallelism', { ...base, parallelism: 1.5 }, 'parallelism: must be an integer'],
    ['run_cap 0', { ...base, run_cap: 0 }, 'run_cap: must be >= 1'],
    ['run_cap as text', { ...base, run_cap: '10' }, 'run_cap: expected a number, got a string'],
    ['max_duration 0', { ...base, max_duration: 0 }, 'max_duration: must be > 0'],
    ['negative seed', { ...base, seed: -1 }, 'seed: must be >= 0'],
    ['seed past 32 bits', { ...base, seed: 2 ** 32 }, 'seed: must be <= 4294967295'],
    ['name not a string', { ...base, name: 5 }, 'name: expected a string, got a number'],
    // Metric
    ['metric without name', { ...base, metric: { goal: 'maximize' } }, 'metric.name: required'],
    ['empty metric name', { ...base, metric: { name: '' } }, 'metric.name: must not be empty'],
    [
      'bad goal',
      { ...base, metric: { name: 'acc', goal: 'max' } },
      'metric.goal: must be one of minimize, maximize',
    ],
    [
      'infinite target',
      { ...base, metric: { name: 'acc', target: Number.POSITIVE_INFINITY } },
      'metric.target: must be a finite number',
    ],
    [
      'unknown metric key',
      { ...base, metric: { name: 'acc', gaol: 'maximize' } },
      "metric.gaol: unknown key; did you mean 'goal'?",
    ],
    // Trainer
    [
      'bad trainer name',
      { ...base, trainer: 'My Trainer' },
      'trainer: must start with a lower-case letter and hold only a-z, 0-9, _ and -',
    ],
    [
      'bad trainer object name',
      { ...base, trainer: { name: '1x' } },
      'trainer.name: must start with a lower-case letter and hold only a-z, 0-9, _ and -',
    ],
    [
      'trainer as a number',
      { ...base, trainer: 3 },
      'trainer: expected a trainer name or { name, options }',
    ],
    [
      'trainer with a command',
      { ...base, trainer: { name: 'x', command: 'rm -rf /' } },
      'trainer.command: unknown key',
    ],
    [
      'trainer options not JSON',
      { ...base, trainer: { name: 'x', options: { lr: [1, Number.NaN] } } },
      'trainer.options.lr.1: must be JSON data (got NaN)',
    ],
    [
      'trainer options as a list',
      { ...base, trainer: { name: 'x', options: [] } },
      'trainer.options: expected an object, got a list',
    ],
    // Pruner and early_terminate
    [
      'both pruner and early_terminate',
      { ...base, pruner: { type: 'median' }, early_terminate: { type: 'hyperband', min_iter: 1 } },
      'pruner: give either pruner or early_terminate, not both',
    ],
    [
      'bad pruner type',
      { ...base, pruner: { type: 'asha-x' } },
      'pruner.type: must be one of none, median, percentile, threshold, patience, asha, hyperband, wandb_hyperband',
    ],
    [
      'median option on none',
      { ...base, pruner: { type: 'none', warmup_steps: 3 } },
      'pruner.warmup_steps: not allowed with pruner none',
    ],
    [
      'negative warmup',
      { ...base, pruner: { type: 'median', warmup_steps: -1 } },
      'pruner.warmup_steps: must be >= 0',
    ],
    [
      'interval 0',
      { ...base, pruner: { type: 'median', interval_steps: 0 } },
      'pruner.interval_steps: must be >= 1',
    ],
    [
      'pruner typo',
      { ...base, pruner: { type: 'median', startup_trails: 3 } },
      "pruner.startup_trails: not allowed with pruner median; did you mean 'startup_trials'?",
    ],
    [
      'early_terminate type',
      { ...base, early_terminate: { type: 'asha', min_iter: 1 } },
      'early_terminate.type: must be one of hyperband',
    ],
    [
      'early_terminate without type',
      { ...base, early_terminate: { min_iter: 1 } },
      'early_terminate.type: required',
    ],
    [
      'early_terminate without bands',
      { ...base, early_terminate: { type: 'hyperband' } },
      'early_terminate: needs min_iter, or max_iter and s',
    ],
    [
      'max_iter without s',
      { ...base, early_terminate: { type: 'hyperband', max_iter: 27 } },
      'early_terminate.s: required with max_iter',
    ],
    [
      'max_iter below eta',
      { ...base, early_terminate: { type: 'hyperband', max_iter: 2, s: 1 } },
      'early_terminate.max_iter: must be >= eta',
    ],
    [
      'min_iter 0',
      { ...base, early_terminate: { type: 'hyperband', min_iter: 0 } },
      'early_terminate.min_iter: must be >= 1',
    ],
    [
      'eta 1',
      { ...base, early_terminate: { type: 'hyperband', min_iter: 1, eta: 1 } },
      'early_terminate.eta: must be > 1',
    ],
    [
      'strict not boolean',
      { ...base, early_terminate: { type: 'hyperband', min_iter: 1, strict: 'yes' } },
      'early_terminate.strict: expected true or false, got a string',
    ],
    [
      'early_terminate unknown key',
      { ...base, early_terminate: { type: 'hyperband', min_iter: 1, max_iters: 9 } },
      "early_terminate.max_iters: not allowed with early_terminate hyperband; did you mean 'max_iter'?",
    ],
    // Parameter names
    [
      'dotted name that is also a group parameter',
      {
        ...base,
        parameters: {
          'optimizer.lr': { value: 1 },
          optimizer: { parameters: { lr: { value: 2 } } },
        },
      },
      `parameters.optimizer.parameters.lr: 'optimizer.lr' is also the name of parameters.optimizer.lr: a group's parameter and a dotted name would reach the program as one; rename one`,
    ],
    [
      'dotted name with an empty part',
      { ...base, parameters: { 'optimizer..lr': { value: 1 } } },
      `parameters."optimizer..lr": parameter names start with a letter or _ and hold only letters, digits, _ and -, in parts joined by '.'`,
    ],
    [
      'empty name',
      { ...base, parameters: { '': { value: 1 } } },
      'parameters."": parameter names must not be empty',
    ],
    [
      'name with a space',
      { ...base, parameters: { 'learning rate': { value: 1 } } },
      "parameters.learning rate: parameter names start with a letter or _ and hold only letters, digits, _ and -, in parts joined by '.'",
    ],
    [
      'reserved name',
      { ...base, parameters: { constructor: { parameters: { x: { value: 1 } } } } },
      "parameters.constructor: 'constructor' is a reserved name",
    ],
    // Parameter entries
    [
      'entry not an object',
      withParameter(0.1),
      'parameters.p: expected an object such as { values: [...] } or { min, max }, got a number',
    ],
    [
      'entry with nothing to infer from',
      withParameter({ mu: 0 }),
      'parameters.p: cannot tell the distribution: give value, values, min and max, parameters, or a distribution',
    ],
    [
      'unknown distribution',
      withParameter({ distribution: 'gaussian', mu: 0 }),
      'parameters.p.distribution: must be one of constant, categorical, categorical_w_probabilities, int_uniform, uniform, q_uniform, log_uniform, q_log_uniform, log_uniform_values, q_log_uniform_values, inv_log_uniform, inv_log_uniform_values, normal, q_normal, log_normal, q_log_normal',
    ],
    [
      'W&B beta',
      withParameter({ distribution: 'beta', a: 1, b: 1 }),
      'parameters.p.distribution: beta distributions are not supported',
    ],
    ['min > max', withParameter({ min: 0.1, max: 0.01 }), 'parameters.p.min: must be < max'],
    [
      'min = max',
      withParameter({ distribution: 'int_uniform', min: 3, max: 3 }),
      'parameters.p.min: must be < max',
    ],
    ['missing max', withParameter({ min: 0.1 }), 'parameters.p.max: required'],
    [
      'bound as text',
      withParameter({ min: '1e-3', max: 0.1 }),
      'parameters.p.min: expected a number, got a string',
    ],
    [
      'NaN bound',
      withParameter({ min: Number.NaN, max: 1 }),
      'parameters.p.min: must be a finite number',
    ],
    [
      'infinite bound',
      withParameter({ min: 0, max: Number.POSITIVE_INFINITY }),
      'parameters.p.max: must be a finite number',
    ],
    [
      'fractional int_uniform',
      withParameter({ distribution: 'int_uniform', min: 0.5, max: 4 }),
      'parameters.p.min: must be an integer',
    ],
    [
      'log_uniform_values at 0',
      withParameter({ distribution: 'log_uniform_values', min: 0, max: 1 }),
      'parameters.p.min: must be > 0',
    ],
    [
      'inv_log_uniform_values below 0',
      withParameter({ distribution: 'inv_log_uniform_values', min: -1, max: 1 }),
      'parameters.p.min: must be > 0',
    ],
    [
      'q_log_uniform_values at 0',
      withParameter({ distribution: 'q_log_uniform_values', min: 0, max: 64, q: 8 }),
      'parameters.p.min: must be > 0',
    ],
    [
      'q of 0',
      withParameter({ distribution: 'q_uniform', min: 0, max: 1, q: 0 }),
      'parameters.p.q: must be > 0',
    ],
    [
      'q with no multiple in range',
      withParameter({ distribution: 'q_uniform', min: 0.2, max: 0.3, q: 1 }),
      'parameters.p.q: no multiple of q lies between the bounds',
    ],
    [
      'sigma of 0',
      withParameter({ distribution: 'normal', sigma: 0 }),
      'parameters.p.sigma: must be > 0',
    ],
    [
      'mu on uniform',
      withParameter({ distribution: 'uniform', min: 0, max: 1, mu: 0.5 }),
      'parameters.p.mu: not allowed with distribution uniform',
    ],
    [
      'q on uniform',
      withParameter({ min: 0, max: 1.5, q: 0.5 }),
      'parameters.p.q: not allowed with distribution uniform',
    ],
    [
      'min on normal',
      withParameter({ distribution: 'normal', min: 0 }),
      'parameters.p.min: not allowed with distribution normal',
    ],
    [
      'bounds next to values',
      withParameter({ values: [1, 2], min: 0 }),
      'parameters.p.min: not allowed with distribution categorical',
    ],
    [
      'misspelt key',
      withParameter({ min: 0, max: 1, distrbution: 'uniform' }),
      "parameters.p.distrbution: not allowed with distribution int_uniform; did you mean 'distribution'?",
    ],
    ['empty values', withParameter({ values: [] }), 'parameters.p.values: must not be empty'],
    [
      'values not a list',
      withParameter({ values: 'abc' }),
      'parameters.p.values: expected a list, got a string',
    ],
    [
      'a value that is not JSON data',
      withParameter({ values: [[64, Number.NaN], [128]] }),
      'parameters.p.values.0.1: must be JSON data (got NaN)',
    ],
    [
      'a list given twice',
      withParameter({ values: [[64, 64], [128], [64, 64]] }),
      'parameters.p.values.2: duplicate of values.0',
    ],
    [
      'duplicate values',
      withParameter({ values: ['a', 'b', 'a'] }),
      'parameters.p.values.2: duplicate of values.0',
    ],
    [
      'w_probabilities without probabilities',
      withParameter({ distribution: 'categorical_w_probabilities', values: [1, 2] }),
      'parameters.p.probabilities: required',
    ],
    [
      'negative probability',
      withParameter({ values: [1, 2], probabilities: [-1, 2] }),
      'parameters.p.probabilities.0: must be >= 0',
    ],
    // Groups
    [
      'group with a distribution',
      withParameter({ parameters: { a: { value: 1 } }, distribution: 'uniform' }),
      'parameters.p.distribution: not allowed in a parameter group, which holds only parameters',
    ],
    [
      'empty group',
      withParameter({ parameters: {} }),
      'parameters.p.parameters: must name at least one parameter',
    ],
    [
      'error deep in a group',
      withParameter({ parameters: { q: { parameters: { lr: { min: 1, max: 0 } } } } }),
      'parameters.p.parameters.q.parameters.lr.min: must be < max',
    ],
    // Grid
    [
      'grid over a continuous range',
      withParameter({ min: 0.1, max: 1.5 }, 'grid'),
      'parameters.p: grid search needs values, an int_uniform range or a q_* distribution',
    ],
    [
      'grid over a normal',
      withParameter({ distribution: 'q_normal' }, 'grid'),
      'parameters.p: grid search needs values, an int_uniform range or a q_* distribution',
    ],
    [
      'grid over a huge range',
      withParameter({ min: 0, max: 10_000_000 }, 'grid'),
      'parameters.p: grid search lists at most 100000 values per parameter',
    ],
    [
      'grid in a group',
      withParameter(
        { parameters: { lr: { distribution: 'log_uniform_values', min: 1e-4, max: 1 } } },
        'grid',
      ),
      'parameters.p.parameters.lr: grid search needs values, an int_uniform range or a q_* distribution',
    ],
  ];

  it.each(cases)('%s', (_label, input, message) => {
    expect(specErrorOf(input).message).toBe(message);
  });

  it('lists every issue, unknown keys first', () => {
    const error = specErrorOf({
      method: 'grid',
      paramaters: { lr: { min: 1, max: 0 } },
      metric: { name: 'acc', goal: 'up' },
      trainer: 'Bad',
    });
    expect(error.issues).toEqual<SpecIssue[]>([
      { path: 'paramaters', message: "unknown key; did you mean 'parameters'?" },
      { path: 'metric.goal', message: 'must be one of minimize, maximize' },
      { path: 'parameters', message: 'required' },
      {
        path: 'trainer',
        message: 'must start with a lower-case letter and hold only a-z, 0-9, _ and -',
      },
    ]);
  });

  it('reports every bad parameter, and the grid check alongside other errors', () => {
    const error = specErrorOf({
      method: 'grid',
      trainer: 'mlp',
      metric: { name: 'acc', goal: 'up' },
      parameters: { a: { min: 0.5, max: 1 }, b: { values: [1, 2] }, c: { min: 0.1, max: 0.5 } },
    });
    expect(error.issues.map((i) => i.path)).toEqual([
      'metric.goal',
      'parameters.a',
      'parameters.c',
    ]);
  });

  it('reports several problems of one parameter', () => {
    const error = specErrorOf(
      withParameter({ distribution: 'q_uniform', min: 2, max: 1, q: -1, sigma: 1 }),
    );
    expect(error.issues).toEqual<SpecIssue[]>([
      { path: 'parameters.p.sigma', message: 'not allowed with distribution q_uniform' },
      { path: 'parameters.p.q', message: 'must be > 0' },
      { path: 'parameters.p.min', message: 'must be < max' },
    ]);
    // A bad q is reported once, not also as "no multiple of q in range".
    expect(
      specErrorOf(withParameter({ distribution: 'q_uniform', min: 0, max: 1, q: -1 })).issues,
    ).toEqual([{ path: 'parameters.p.q', message: 'must be > 0' }]);
  });

  it('stops at groups nested too deep, which also catches cyclic input', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.g = { parameters: cyclic };
    const error = specErrorOf({ ...base, parameters: cyclic });
    expect(error.issues).toHaveLength(1);
    // Ten groups deep is allowed; the eleventh is refused at its `parameters`.
    expect(error.message).toBe(
      `parameters.${'g.parameters.'.repeat(10)}g.parameters: parameter groups nest at most 10 deep`,
    );
  });
});

describe('parseSweepSpec: any input gives a spec or a SpecError', () => {
  const odd: [string, unknown][] = [
    ['undefined', undefined],
    ['a string', 'method: grid'],
    ['true', true],
    ['a function', () => 1],
    ['a Date', new Date(0)],
    ['a Map', new Map([['method', 'grid']])],
    ['an object without prototype', Object.assign(Object.create(null), { method: 'grid' })],
    [
      'nulls everywhere',
      { method: null, metric: null, parameters: null, pruner: null, trainer: null },
    ],
    [
      'lists everywhere',
      { method: [], metric: [], parameters: { x: [] }, early_terminate: [], trainer: [] },
    ],
    ['parameter entry null', { ...base, parameters: { x: null } }],
    ['group null', { ...base, parameters: { x: { parameters: null } } }],
    [
      'a __proto__ key',
      JSON.parse('{"method":"grid","__proto__":{"polluted":1},"parameters":{"x":{"value":1}}}'),
    ],
    [
      'a __proto__ parameter',
      JSON.parse('{"method":"grid","parameters":{"__proto__":{"value":1}}}'),
    ],
    [
      'a getter that throws',
      Object.defineProperty({ method: 'grid' }, 'parameters', {
        enumerable: true,
        get() {
          throw new TypeError('boom');
        },
      }),
    ],
  ];

  it.each(odd)('%s', (_label, input) => {
    const error = specErrorOf(input);
    expect(error.issues.length).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('survives randomly broken specs', () => {
    const valid = {
      method: 'bayes',
      metric: { name: 'loss', goal: 'minimize', target: 0.1 },
      parameters: {
        lr: { distribution: 'log_uniform_values', min: 1e-4, max: 0.1 },
        layers: { values: [1, 2, 3] },
        opt: { parameters: { momentum: { min: 0.5, max: 0.99 }, name: { value: 'sgd' } } },
      },
      early_terminate: { type: 'hyperband', min_iter: 3 },
      trainer: { name: 'mlp', options: { hidden: [64, 64] } },
      run_cap: 20,
    };
    const junk = [
      null,
      undefined,
      0,
      -1,
      1.5,
      Number.NaN,
      '',
      'x',
      true,
      [],
      [1, 'a'],
      {},
      { a: 1 },
    ];
    const rng = createRng(7, 0);
    let rejected = 0;
    for (let i = 0; i < 300; i++) {
      const broken = mutate(structuredClone(valid), rng, junk);
      try {
        parseSweepSpec(broken);
      } catch (error) {
        expect(error).toBeInstanceOf(SpecError);
        for (const issue of (error as SpecError).issues) {
          expect(issue.path.length).toBeGreaterThan(0);
          expect(issue.message.length).toBeGreaterThan(0);
        }
        rejected++;
      }
    }
    // Most mutations break the spec: the loop really exercised the error paths.
    expect(rejected).toBeGreaterThan(200);
  });
});

/** Replaces one randomly chosen node of `value` with junk. */
function mutate(value: unknown, rng: Rng, junk: unknown[]): unknown {
  const pick = <T>(items: readonly T[]) => items[rng.int(items.length)]!;
  if (typeof value !== 'object' || value === null || rng.next() < 0.25) {
    return structuredClone(pick(junk));
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return structuredClone(pick(junk));
  const key = pick(keys);
  (value as Record<string, unknown>)[key] = mutate(
    (value as Record<string, unknown>)[key],
    rng,
    junk,
  );
  return value;
}

import { buildSpace } from '@rung/search';
import { describe, expect, it } from 'vitest';
import { type WandbBandOptions, wandbBands } from '../src/spec/early-terminate.js';
import { parseSweepSpec, type SweepConfig } from '../src/spec/sweep-schema.js';

/** A valid spec with one parameter `p`, the rest left to defaults. */
const withParameter = (entry: unknown, method = 'random') =>
  parseSweepSpec({ method, metric: { name: 'loss' }, parameters: { p: entry }, trainer: 'mlp' });

describe('parseSweepSpec: defaults', () => {
  it('fills in every default of a minimal spec', () => {
    const { spec, warnings } = parseSweepSpec({
      trainer: 'mlp',
      method: 'random',
      parameters: { lr: { min: 0.001, max: 0.1 } },
    });
    expect(spec).toStrictEqual({
      method: 'random',
      metric: { name: 'val_loss', goal: 'minimize' },
      parameters: { lr: { distribution: 'uniform', min: 0.001, max: 0.1 } },
      pruner: { type: 'none' },
      trainer: { name: 'mlp', options: {} },
      parallelism: 4,
      seed: 0,
    });
    expect(warnings).toEqual([{ path: 'metric', message: 'no metric given; minimizing val_loss' }]);
  });

  it('keeps every top-level option that is given', () => {
    const { spec, warnings } = parseSweepSpec({
      name: 'mnist',
      description: 'lr sweep',
      method: 'tpe',
      metric: { name: 'acc', goal: 'maximize', target: 0.99 },
      parameters: { lr: { value: 0.1 } },
      pruner: { type: 'median', warmup_steps: 2 },
      trainer: { name: 'cnn', options: { dataset: 'mnist', layers: [32, 64] } },
      parallelism: 8,
      run_cap: 50,
      max_duration: 3600,
      seed: 42,
    });
    expect(spec).toStrictEqual({
      name: 'mnist',
      description: 'lr sweep',
      method: 'tpe',
      metric: { name: 'acc', goal: 'maximize', target: 0.99 },
      parameters: { lr: { distribution: 'constant', value: 0.1 } },
      pruner: {
        type: 'median',
        startup_trials: 5,
        warmup_steps: 2,
        interval_steps: 1,
        min_peers: 1,
      },
      trainer: { name: 'cnn', options: { dataset: 'mnist', layers: [32, 64] } },
      parallelism: 8,
      run_cap: 50,
      max_duration: 3600,
      seed: 42,
    });
    expect(warnings).toEqual([]);
  });

  it.each(['grid', 'random', 'bayes', 'sobol', 'tpe', 'gp'])('accepts method %s', (method) => {
    expect(withParameter({ values: [1, 2] }, method).spec.method).toBe(method);
  });

  it('defaults the goal to minimize', () => {
    const { spec } = parseSweepSpec({
      trainer: 'mlp',
      method: 'random',
      metric: { name: 'loss' },
      parameters: { x: { value: 1 } },
    });
    expect(spec.metric).toStrictEqual({ name: 'loss', goal: 'minimize' });
  });

  it('reads a trainer given by name only', () => {
    const { spec } = parseSweepSpec({
      method: 'random',
      parameters: { x: { value: 1 } },
      trainer: 'resnet_18',
    });
    expect(spec.trainer).toStrictEqual({ name: 'resnet_18', options: {} });
  });

  it('takes a typed SweepConfig (the input type derived from the schema)', () => {
    const config: SweepConfig = {
      method: 'grid',
      metric: { name: 'acc', goal: 'maximize' },
      parameters: {
        lr: { distribution: 'q_log_uniform_values', min: 1e-4, max: 1e-1, q: 1e-4 },
        arch: { parameters: { depth: { min: 1, max: 3 } } },
      },
      pruner: { type: 'median' },
      trainer: 'cnn',
    };
    // @ts-expect-error: the type rejects a misspelt key at compile time too.
    const typo: SweepConfig = { method: 'grid', paramaters: {} };
    expect(typo).toBeDefined();
    expect(parseSweepSpec(config).spec.parameters.arch).toStrictEqual({
      parameters: { depth: { distribution: 'int_uniform', min: 1, max: 3 } },
    });
  });

  it('does not modify its input', () => {
    const input = {
      method: 'random',
      trainer: 'mlp',
      parameters: { x: { min: 1, max: 2 }, g: { parameters: { y: { values: [1, 2] } } } },
    };
    const before = JSON.stringify(input);
    parseSweepSpec(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe('parseSweepSpec: distributions', () => {
  // [label, entry as written, normalized spec]
  const cases: [string, unknown, unknown][] = [
    ['value → constant', { value: 3 }, { distribution: 'constant', value: 3 }],
    ['null constant', { value: null }, { distribution: 'constant', value: null }],
    [
      'explicit constant',
      { distribution: 'constant', value: 'adam' },
      { distribution: 'constant', value: 'adam' },
    ],
    [
      'values → categorical',
      { values: ['a', 1, true, null] },
      { distribution: 'categorical', values: ['a', 1, true, null] },
    ],
    [
      'explicit categorical',
      { distribution: 'categorical', values: [0.5] },
      { distribution: 'categorical', values: [0.5] },
    ],
    [
      'integer bounds → int_uniform',
      { min: 1, max: 10 },
      { distribution: 'int_uniform', min: 1, max: 10 },
    ],
    [
      'negative integer bounds → int_uniform',
      { min: -3, max: 0 },
      { distribution: 'int_uniform', min: -3, max: 0 },
    ],
    [
      'one real bound → uniform',
      { min: 1, max: 10.5 },
      { distribution: 'uniform', min: 1, max: 10.5 },
    ],
    [
      'real bounds → uniform',
      { min: 0.1, max: 0.9 },
      { distribution: 'uniform', min: 0.1, max: 0.9 },
    ],
    [
      'explicit uniform over integers',
      { distribution: 'uniform', min: 0, max: 1 },
      { distribution: 'uniform', min: 0, max: 1 },
    ],
    [
      'explicit int_uniform',
      { distribution: 'int_uniform', min: 2, max: 4 },
      { distribution: 'int_uniform', min: 2, max: 4 },
    ],
    [
      'q_uniform, q defaults to 1',
      { distribution: 'q_uniform', min: 0, max: 10 },
      { distribution: 'q_uniform', min: 0, max: 10, q: 1 },
    ],
    [
      'q_uniform',
      { distribution: 'q_uniform', min: 0, max: 1, q: 0.25 },
      { distribution: 'q_uniform', min: 0, max: 1, q: 0.25 },
    ],
    [
      'log_uniform (exponents)',
      { distribution: 'log_uniform', min: -9, max: -2 },
      { distribution: 'log_uniform', min: -9, max: -2 },
    ],
    [
      'q_log_uniform',
      { distribution: 'q_log_uniform', min: 0, max: 5, q: 2 },
      { distribution: 'q_log_uniform', min: 0, max: 5, q: 2 },
    ],
    [
      'log_uniform_values',
      { distribution: 'log_uniform_values', min: 1e-5, max: 0.1 },
      { distribution: 'log_uniform_values', min: 1e-5, max: 0.1 },
    ],
    [
      'q_log_uniform_values',
      { distribution: 'q_log_uniform_values', min: 16, max: 512, q: 16 },
      { distribution: 'q_log_uniform_values', min: 16, max: 512, q: 16 },
    ],
    [
      'inv_log_uniform',
      { distribution: 'inv_log_uniform', min: 1, max: 5 },
      { distribution: 'inv_log_uniform', min: 1, max: 5 },
    ],
    [
      'inv_log_uniform_values',
      { distribution: 'inv_log_uniform_values', min: 0.1, max: 10 },
      { distribution: 'inv_log_uniform_values', min: 0.1, max: 10 },
    ],
    ['normal, defaults', { distribution: 'normal' }, { distribution: 'normal', mu: 0, sigma: 1 }],
    [
      'normal',
      { distribution: 'normal', mu: 5, sigma: 2 },
      { distribution: 'normal', mu: 5, sigma: 2 },
    ],
    [
      'q_normal, q defaults to 1',
      { distribution: 'q_normal', mu: 10 },
      { distribution: 'q_normal', mu: 10, sigma: 1, q: 1 },
    ],
    [
      'log_normal',
      { distribution: 'log_normal', mu: -2, sigma: 0.5 },
      { distribution: 'log_normal', mu: -2, sigma: 0.5 },
    ],
    [
      'q_log_normal',
      { distribution: 'q_log_normal', q: 0.5 },
      { distribution: 'q_log_normal', mu: 0, sigma: 1, q: 0.5 },
    ],
  ];

  it.each(cases)('%s', (_label, entry, expected) => {
    expect(withParameter(entry).spec.parameters.p).toStrictEqual(expected);
  });

  it('reads categorical_w_probabilities as a categorical with its probabilities', () => {
    const { spec, warnings } = withParameter({
      distribution: 'categorical_w_probabilities',
      values: ['a', 'b'],
      probabilities: [0.2, 0.8],
    });
    expect(spec.parameters.p).toStrictEqual({
      distribution: 'categorical',
      values: ['a', 'b'],
      probabilities: [0.2, 0.8],
    });
    expect(warnings).toEqual([]);
  });

  it('checks probabilities: one per value, summing to 1, never in a grid', () => {
    expect(() => withParameter({ values: ['a', 'b'], probabilities: [1] })).toThrow(
      'parameters.p.probabilities: needs one probability per value: 2 values, 1 probabilities',
    );
    expect(() => withParameter({ values: ['a', 'b'], probabilities: [0.5, 0.6] })).toThrow(
      'parameters.p.probabilities: must sum to 1, got 1.1',
    );
    expect(() => withParameter({ values: ['a', 'b'], probabilities: [0.5, 0.5] }, 'grid')).toThrow(
      'parameters.p.probabilities: grid search tries every value once: probabilities have no meaning there',
    );
  });

  it('warns about log_uniform bounds that look like values rather than exponents', () => {
    const { warnings } = withParameter({ distribution: 'log_uniform', min: 0.0001, max: 0.1 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.path).toBe('parameters.p.distribution');
    expect(warnings[0]!.message).toMatch(
      /natural-log exponents .* did you mean log_uniform_values\?$/,
    );
    expect(withParameter({ distribution: 'log_uniform', min: -9, max: -2 }).warnings).toEqual([]);
  });

  it('nests groups of parameters, recursively', () => {
    const { spec } = parseSweepSpec({
      trainer: 'mlp',
      method: 'random',
      metric: { name: 'loss' },
      parameters: {
        optimizer: {
          parameters: {
            name: { values: ['adam', 'sgd'] },
            schedule: { parameters: { warmup: { min: 0, max: 100 } } },
          },
        },
      },
    });
    expect(spec.parameters).toStrictEqual({
      optimizer: {
        parameters: {
          name: { distribution: 'categorical', values: ['adam', 'sgd'] },
          schedule: { parameters: { warmup: { distribution: 'int_uniform', min: 0, max: 100 } } },
        },
      },
    });
    // The output is what the search engine takes.
    expect(buildSpace(spec.parameters).dimensions.map((d) => d.name)).toEqual([
      'optimizer.name',
      'optimizer.schedule.warmup',
    ]);
  });

  it('accepts a grid over values, integer ranges, bounded q_* distributions and constants', () => {
    const { spec } = parseSweepSpec({
      trainer: 'mlp',
      method: 'grid',
      metric: { name: 'loss' },
      parameters: {
        a: { values: [1, 2] },
        b: { min: 1, max: 3 },
        c: { distribution: 'q_uniform', min: 0, max: 1, q: 0.5 },
        d: { distribution: 'q_log_uniform_values', min: 8, max: 64, q: 8 },
        e: { value: 'x' },
      },
    });
    const gridSizes = buildSpace(spec.parameters).dimensions.map((d) =>
      d.kind === 'numeric' ? d.gridValues?.length : d.values.length,
    );
    expect(gridSizes).toEqual([2, 3, 3, 8]);
  });
});

describe('parseSweepSpec: early stopping', () => {
  const base = {
    method: 'random',
    metric: { name: 'loss' },
    parameters: { x: { value: 1 } },
    trainer: 'mlp',
  };

  it('defaults the median pruner options as Optuna does', () => {
    expect(parseSweepSpec({ ...base, pruner: { type: 'median' } }).spec.pruner).toStrictEqual({
      type: 'median',
      startup_trials: 5,
      warmup_steps: 0,
      interval_steps: 1,
      min_peers: 1,
    });
    expect(parseSweepSpec({ ...base, pruner: { type: 'none' } }).spec.pruner).toStrictEqual({
      type: 'none',
    });
  });

  // [early_terminate, W&B's bands]
  const hyperband: [Record<string, unknown>, number[]][] = [
    [{ type: 'hyperband', min_iter: 3 }, [3, 9, 27, 81]],
    [{ type: 'hyperband', min_iter: 2, eta: 2, strict: true }, [2, 4, 8, 16]],
    [{ type: 'hyperband', max_iter: 27, s: 2 }, [3, 9]],
    [{ type: 'hyperband', max_iter: 5, s: 2, eta: 2 }, [1, 2]],
    // W&B stops dividing once a band would fall below 1.
    [{ type: 'hyperband', max_iter: 9, s: 5 }, [1, 3]],
    // max_iter wins over min_iter, as in W&B's code.
    [{ type: 'hyperband', max_iter: 81, s: 1, min_iter: 2 }, [27]],
  ];

  it.each(hyperband)('runs early_terminate %j as W&B does, at its bands', (et, bands) => {
    const { spec, warnings } = parseSweepSpec({ ...base, early_terminate: et });
    const { type: _, ...options } = et;
    expect(spec.pruner).toStrictEqual({
      type: 'wandb_hyperband',
      eta: 3,
      ...options,
      strict: (et.strict as boolean | undefined) ?? false,
    });
    expect(wandbBands(spec.pruner as WandbBandOptions).slice(0, 4)).toEqual(bands);
    expect(warnings).toEqual([]);
  });

  it('takes every rule with its defaults, and lists of rules', () => {
    const parse = (pruner: unknown) => parseSweepSpec({ ...base, pruner }).spec.pruner;
    expect(parse({ type: 'asha' })).toStrictEqual({
      type: 'asha',
      min_steps: 1,
      eta: 3,
      mode: 'promote',
      rank_by: 'value',
      brackets: 1,
    });
    expect(parse({ type: 'hyperband', min_steps: 1, max_steps: 81, mode: 'stop' })).toMatchObject({
      brackets: 5,
      mode: 'stop',
    });
    expect(parse({ type: 'percentile', percentile: 25 })).toMatchObject({
      percentile: 25,
      startup_trials: 5,
    });
    expect(parse({ type: 'patience', patience: 3 })).toStrictEqual({
      type: 'patience',
      patience: 3,
      min_delta: 0,
    });
    expect(
      parse([
        { type: 'threshold', upper: 10 },
        { type: 'asha', min_steps: 2 },
      ]),
    ).toMatchObject({
      type: 'all',
      rules: [
        { type: 'threshold', upper: 10, warmup_steps: 0 },
        { type: 'asha', min_steps: 2 },
      ],
    });
    expect(parse([{ type: 'median' }])).toMatchObject({ type: 'median' });
  });

  it.each([
    [{ type: 'threshold' }, 'pruner: needs lower, upper or both'],
    [{ type: 'threshold', lower: 2, upper: 1 }, 'pruner.lower: must be <= upper'],
    [{ type: 'asha', min_steps: 5, max_steps: 5 }, 'pruner.max_steps: must be > min_steps'],
    [{ type: 'hyperband', min_steps: 1 }, 'pruner.max_steps: required unless brackets is given'],
    [{ type: 'percentile', percentile: 101 }, 'pruner.percentile: must be <= 100'],
    [{ type: 'asha', mode: 'halve' }, 'pruner.mode: must be one of promote, stop'],
    [
      [{ type: 'median' }, { type: 'asha' }],
      'pruner.1: only one rule may compare trials with their peers; median and asha both do',
    ],
    [[], 'pruner: must not be empty'],
  ])('refuses pruner %j: %s', (pruner, message) => {
    expect(() => parseSweepSpec({ ...base, pruner })).toThrow(message);
  });
});

describe('parseSweepSpec: values of any JSON (W&B allows lists and objects)', () => {
  it('searches over lists and objects, handed to the trainer as they are', () => {
    const { spec } = parseSweepSpec({
      method: 'grid',
      trainer: 'mlp',
      parameters: {
        layers: { values: [[64, 64], [128]] },
        schedule: { value: { kind: 'cosine', warmup: 5 } },
      },
    });
    const space = buildSpace(spec.parameters);
    expect(space.decode([1])).toEqual({ layers: [128], schedule: { kind: 'cosine', warmup: 5 } });
    expect(space.encode({ layers: [128], schedule: { kind: 'cosine', warmup: 5 } })).toEqual([1]);
  });
});

describe('parseSweepSpec: dotted parameter names (W&B and Hydra style)', () => {
  it('keeps a dotted name as one parameter, passed on under that name', () => {
    const { spec } = parseSweepSpec({
      method: 'random',
      trainer: 'mlp',
      parameters: {
        'optimizer.config.learning_rate': { min: 0.001, max: 0.1 },
        'model.layers.0.units': { values: [16, 32] },
        optimizer: { parameters: { name: { value: 'adam' } } },
      },
    });
    const space = buildSpace(spec.parameters);
    expect(space.dimensions.map((d) => d.name)).toEqual([
      'model.layers.0.units',
      'optimizer.config.learning_rate',
    ]);
    const params = space.decode([1, 0.5]);
    expect(params).toEqual({
      'model.layers.0.units': 32,
      'optimizer.config.learning_rate': 0.0505,
      optimizer: { name: 'adam' },
    });
    expect(space.encode(params)).toEqual([1, 0.5]);
  });
});

describe('parseSweepSpec: what runs the trials', () => {
  it('is never a silent default: a spec with neither a trainer nor a program is refused', () => {
    expect(() => parseSweepSpec({ method: 'random', parameters: { x: { value: 1 } } })).toThrow(
      "trainer: say what runs the trials: a trainer a worker registered (e.g. 'trainer: mlp'), or W&B's 'program: train.py'",
    );
  });

  it("keeps W&B's program and command, and derives a trainer name from the program", () => {
    const parsed = parseSweepSpec({
      method: 'random',
      program: 'scripts/Train_Model.py',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: W&B's command macros, verbatim.
      command: ['${env}', '${interpreter}', '${program}', '${args_no_hyphens}'],
      parameters: { x: { value: 1 } },
    });
    expect(parsed.spec).toMatchObject({
      program: 'scripts/Train_Model.py',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: W&B's command macros, verbatim.
      command: ['${env}', '${interpreter}', '${program}', '${args_no_hyphens}'],
      trainer: { name: 'train_model-py', options: {} },
    });
    expect(parsed.trainerFromProgram).toBe(true);
    // A trainer given beside a program is the trainer; the program must then be one it runs.
    const named = parseSweepSpec({
      method: 'random',
      trainer: 'mine',
      program: 'train.py',
      parameters: { x: { value: 1 } },
    });
    expect(named.spec.trainer.name).toBe('mine');
    expect(named.trainerFromProgram).toBeUndefined();
  });
});

describe('parseSweepSpec: W&B keys Rung ignores', () => {
  it('accepts each with a warning', () => {
    const { spec, warnings } = parseSweepSpec({
      trainer: 'mlp',
      program: 'train.py',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: W&B's command macros, verbatim.
      command: ['${env}', 'python', '${program}', '${args}'],
      entity: 'team',
      project: 'mnist',
      controller: { type: 'local' },
      job: 'job:latest',
      image_uri: 'docker.io/x:1',
      method: 'bayes',
      metric: { name: 'loss', impute: 'worst', impute_while_running: 'false' },
      parameters: { x: { values: [1, 2], probabilities: [0.5, 0.5] } },
    });
    expect(spec.trainer).toStrictEqual({ name: 'mlp', options: {} });
    expect(warnings.map((w) => w.path)).toEqual([
      'entity',
      'project',
      'controller',
      'job',
      'image_uri',
      'metric.impute',
      'metric.impute_while_running',
    ]);
    expect(warnings[0]!.message).toBe('ignored: W&B entities have no meaning in Rung');
    expect(spec.program).toBe('train.py');
  });
});

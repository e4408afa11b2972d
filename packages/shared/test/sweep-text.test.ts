import { describe, expect, it } from 'vitest';
import { SpecError } from '../src/errors.js';
import { jsonErrorOffset } from '../src/spec/json-error-offset.js';
import { parseSweepText } from '../src/spec/parse-text.js';

const WANDB_YAML = `# A W&B sweep config, as \`wandb sweep sweep.yaml\` takes it.
program: train.py
entity: my-team
project: mnist-sweeps
name: mnist-bayes
description: Learning rate and architecture search
method: bayes
metric:
  name: val_loss
  goal: minimize
early_terminate:
  type: hyperband
  min_iter: 3
  eta: 2
parameters:
  epochs:
    value: 10
  batch_size:
    values: [32, 64, 128]
  learning_rate:
    distribution: log_uniform_values
    min: 1e-5
    max: 1e-1
  dropout:
    min: 0.0
    max: 1.0
  layers:
    min: 1
    max: 4
  optimizer:
    parameters:
      name:
        values: ["adam", "sgd"]
      momentum:
        distribution: uniform
        min: 0.8
        max: 0.99
command:
  - \${env}
  - python
  - \${program}
  - \${args}
run_cap: 40
`;

function specErrorOf(run: () => unknown): SpecError {
  try {
    run();
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw new Error(`threw ${String(error)} instead of a SpecError`);
  }
  throw new Error('accepted a bad document');
}

describe('parseSweepText', () => {
  it('reads a real-looking W&B sweep YAML as is', () => {
    const { spec, warnings } = parseSweepText(WANDB_YAML, 'yaml');
    expect(spec).toStrictEqual({
      name: 'mnist-bayes',
      description: 'Learning rate and architecture search',
      method: 'bayes',
      metric: { name: 'val_loss', goal: 'minimize' },
      parameters: {
        epochs: { distribution: 'constant', value: 10 },
        batch_size: { distribution: 'categorical', values: [32, 64, 128] },
        learning_rate: { distribution: 'log_uniform_values', min: 1e-5, max: 0.1 },
        // 0.0 and 1.0 are floats to W&B, so this is uniform, not int_uniform over {0, 1}.
        dropout: { distribution: 'uniform', min: 0, max: 1 },
        layers: { distribution: 'int_uniform', min: 1, max: 4 },
        optimizer: {
          parameters: {
            name: { distribution: 'categorical', values: ['adam', 'sgd'] },
            momentum: { distribution: 'uniform', min: 0.8, max: 0.99 },
          },
        },
      },
      pruner: { type: 'wandb_hyperband', min_iter: 3, eta: 2, strict: false },
      trainer: { name: 'train-py', options: {} },
      program: 'train.py',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: W&B's command macros, verbatim.
      command: ['${env}', 'python', '${program}', '${args}'],
      parallelism: 4,
      run_cap: 40,
      seed: 0,
    });
    expect(warnings.map((w) => w.path)).toEqual(['entity', 'project']);
  });

  it('reads JSON, labelled or not, to the same spec', () => {
    const fromYaml = parseSweepText(WANDB_YAML).spec;
    const json = JSON.stringify({
      method: 'bayes',
      trainer: 'mlp',
      parameters: { dropout: { min: 0.5, max: 1 }, layers: { min: 1, max: 4 } },
    });
    expect(parseSweepText(json, 'json').spec).toStrictEqual(parseSweepText(json).spec);
    expect(fromYaml.parameters.layers).toStrictEqual(
      parseSweepText(json, 'json').spec.parameters.layers,
    );
  });

  // [text, format, how `p` is inferred]: W&B infers int_uniform only for Python ints.
  const notation: [string, 'json' | 'yaml' | undefined, string][] = [
    [
      '{"method": "random", "trainer": "mlp", "parameters": {"p": {"min": 0.0, "max": 1.0}}}',
      'json',
      'uniform',
    ],
    [
      '{"method": "random", "trainer": "mlp", "parameters": {"p": {"min": 0, "max": 1e2}}}',
      'json',
      'uniform',
    ],
    [
      '{"method": "random", "trainer": "mlp", "parameters": {"p": {"min": 0, "max": 1}}}',
      'json',
      'int_uniform',
    ],
    ['method: random\ntrainer: mlp\nparameters:\n  p: {min: 0, max: 10.0}\n', 'yaml', 'uniform'],
    [
      'method: random\ntrainer: mlp\nparameters:\n  p: {min: 0, max: 10}\n',
      undefined,
      'int_uniform',
    ],
    [
      'method: random\ntrainer: mlp\nparameters:\n  g:\n    parameters:\n      p: {min: 1.0, max: 2.0}\n',
      'yaml',
      'uniform',
    ],
  ];

  it.each(notation)('infers from how bounds are written: %s', (text, format, distribution) => {
    const { parameters } = parseSweepText(text, format).spec;
    const p =
      'g' in parameters && 'parameters' in parameters.g ? parameters.g.parameters.p : parameters.p;
    expect(p).toMatchObject({ distribution });
  });

  it('keeps an explicit distribution over the notation of the bounds', () => {
    const text =
      'method: grid\ntrainer: mlp\nparameters:\n  p: {distribution: int_uniform, min: 0.0, max: 3.0}\n';
    expect(parseSweepText(text).spec.parameters.p).toStrictEqual({
      distribution: 'int_uniform',
      min: 0,
      max: 3,
    });
  });

  it('reads YAML anchors and merge keys', () => {
    const text = [
      'method: random',
      'trainer: mlp',
      'parameters:',
      '  a: &range {min: 1, max: 5}',
      '  b: *range',
      '  c:',
      '    <<: *range',
      '    distribution: q_uniform',
    ].join('\n');
    expect(parseSweepText(text).spec.parameters).toStrictEqual({
      a: { distribution: 'int_uniform', min: 1, max: 5 },
      b: { distribution: 'int_uniform', min: 1, max: 5 },
      c: { distribution: 'q_uniform', min: 1, max: 5, q: 1 },
    });
  });

  it('passes YAML warnings on, at (document)', () => {
    const { warnings } = parseSweepText(
      'method: grid\ntrainer: mlp\nname: !custom mnist\nparameters: {x: {value: 1}}\n',
    );
    expect(warnings[0]).toEqual({
      path: '(document)',
      message: 'line 3, column 7: Unresolved tag: !custom',
    });
  });

  // [JSON text, the start of the error message; V8's own wording follows and varies by version]
  const jsonSyntax: [string, string][] = [
    [
      '{"method": "grid",\n  "parameters": }',
      "(document): line 2, column 17: invalid JSON (Unexpected token '}'",
    ],
    ['{"method": "grid",}', '(document): line 1, column 19: invalid JSON ('],
    ['', '(document): line 1, column 1: invalid JSON ('],
  ];

  it.each(jsonSyntax)('reports a JSON syntax error with its line and column: %j', (text, start) => {
    const { message } = specErrorOf(() => parseSweepText(text, 'json'));
    expect(message.slice(0, start.length)).toBe(start);
  });

  // [YAML text, format, the error message]
  const yamlSyntax: [string, 'yaml' | undefined, string][] = [
    [
      'method: grid\nmethod: random\n',
      'yaml',
      '(document): line 2, column 1: Map keys must be unique',
    ],
    [
      'method: grid\nparameters:\n  x: {values: [1, 2}\n',
      undefined,
      '(document): line 3, column 20: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'method: grid\n---\nmethod: random\n',
      'yaml',
      '(document): line 2, column 1: Source contains multiple documents; please use YAML.parseAllDocuments()',
    ],
    // Not JSON, so read as YAML when no format is given: the duplicate key is still an error.
    [
      '{"method": "grid", "method": "random"}',
      undefined,
      '(document): line 1, column 20: Map keys must be unique',
    ],
  ];

  it.each(yamlSyntax)(
    'reports a YAML syntax error with its line and column: %j',
    (text, format, message) => {
      expect(specErrorOf(() => parseSweepText(text, format)).message).toBe(message);
    },
  );

  it('validates what it read like parseSweepSpec', () => {
    expect(specErrorOf(() => parseSweepText('')).message).toBe(
      '(root): expected an object, got null',
    );
    expect(
      specErrorOf(() =>
        parseSweepText('method: grid\ntrainer: mlp\nparameters:\n  lr: {min: 1, max: 0}\n'),
      ).message,
    ).toBe('parameters.lr.min: must be < max');
  });

  it('refuses cyclic YAML aliases as too deeply nested', () => {
    const text = 'method: random\ntrainer: mlp\nparameters: &p\n  g:\n    parameters: *p\n';
    expect(specErrorOf(() => parseSweepText(text)).message).toMatch(
      /: parameter groups nest at most 10 deep$/,
    );
  });

  it.each(['json', 'yaml'] as const)('turns pathologically deep %s into a SpecError', (format) => {
    const error = specErrorOf(() => parseSweepText('['.repeat(20_000), format));
    expect(error.issues[0]!.path).toBe('(document)');
  });
});

describe('jsonErrorOffset', () => {
  it.each([
    '{}',
    ' [1, -2.5e3, "a\\n\\u00e9", true, false, null, {"k": [[]]}] ',
    '"just a string"',
    '0',
  ])('finds nothing wrong in %j', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(jsonErrorOffset(text)).toBeUndefined();
  });

  it.each<[string, number]>([
    ['{"a": }', 6],
    ['{"a" 1}', 5],
    ['{"a": 1,}', 8],
    ['[1, 2', 5],
    ['[01]', 2],
    ['{"a": tru}', 6],
    ['"bad \\x escape"', 5],
    ['"unterminated', 13],
    ['{"a": 1} x', 9],
    ['{a: 1}', 1],
    ['', 0],
  ])('finds the error in %j at %i', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});

describe('parseSweepText: W&B’s YAML', () => {
  it("reads YAML 1.1's yes/no/on/off as booleans, as W&B does, and says so", () => {
    const text = [
      'method: grid',
      'metric: {name: loss}',
      'trainer: mlp',
      'parameters:',
      '  augment: {values: [yes, no]}',
      '  "data.shuffle": {value: on}',
      '  name: {values: ["yes", n]}',
    ].join('\n');
    const { spec, warnings } = parseSweepText(text);
    expect(spec.parameters).toStrictEqual({
      augment: { distribution: 'categorical', values: [true, false] },
      'data.shuffle': { distribution: 'constant', value: true },
      name: { distribution: 'categorical', values: ['yes', 'n'] },
    });
    expect(warnings).toEqual([
      {
        path: 'parameters.augment.values.0',
        message: "'yes' read as true, as W&B reads YAML (1.1); quote it to keep the string",
      },
      {
        path: 'parameters.augment.values.1',
        message: "'no' read as false, as W&B reads YAML (1.1); quote it to keep the string",
      },
      {
        path: 'parameters."data.shuffle".value',
        message: "'on' read as true, as W&B reads YAML (1.1); quote it to keep the string",
      },
    ]);
  });
});

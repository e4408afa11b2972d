import { describe, expect, it } from 'vitest';
import {
  commandLine,
  interpreterFor,
  pythonFloat,
  pythonStr,
} from '../../src/trainers/command/command-line.js';
import { KATIB_METRIC_REGEX, parseMetricLine } from '../../src/trainers/command/metric-lines.js';

const base = { paramsFile: '/tmp/t/params.json', env: { HOME: '/root' } };

describe('a command trainer’s command line, as W&B’s agent writes it', () => {
  it('defaults to ${env} ${interpreter} ${program} ${args}, the interpreter from the extension', () => {
    expect(
      commandLine({ ...base, program: 'train.py', params: { lr: 0.01, layers: 2, opt: 'adam' } }),
    ).toEqual(['/usr/bin/env', 'python3', 'train.py', '--lr=0.01', '--layers=2', '--opt=adam']);
    expect(interpreterFor('run.sh')).toBe('bash');
    expect(interpreterFor('train.mjs')).toBe('node');
    expect(interpreterFor('a.out')).toBeUndefined();
    expect(commandLine({ ...base, program: './a.out', params: {} })).toEqual([
      '/usr/bin/env',
      './a.out',
    ]);
  });

  it('writes values with Python’s str(): True/False, None, 1.0, 1e-05, lists and dicts', () => {
    const params = {
      flag: true,
      off: false,
      none: null,
      lr: 1e-5,
      one: 1,
      arr: [1, 'a'],
      obj: { k: 2 },
    };
    expect(
      commandLine({
        ...base,
        command: ['${args}'],
        params: params as never,
        floats: new Set(['one']),
      }),
    ).toEqual([
      '--flag=True',
      '--off=False',
      '--none=None',
      '--lr=1e-05',
      '--one=1.0',
      "--arr=[1, 'a']",
      "--obj={'k': 2}",
    ]);
    expect(pythonFloat(0.1)).toBe('0.1');
    expect(pythonFloat(1e16)).toBe('1e+16');
    expect(pythonFloat(123456.0)).toBe('123456.0');
    expect(pythonFloat(0.0001)).toBe('0.0001');
    expect(pythonFloat(0.00009)).toBe('9e-05');
    expect(pythonStr('text')).toBe('text');
  });

  it('expands every macro', () => {
    const params = { lr: 0.5, debug: true, quiet: false };
    const line = commandLine({
      ...base,
      program: 'train.py',
      interpreter: 'python3.11',
      command: [
        '${interpreter}',
        '${program}',
        '--fixed',
        '${args_no_boolean_flags}',
        '${args_no_hyphens}',
        '${args_json}',
        '${args_json_file}',
        'home=${envvar:HOME}',
        '${envvar:UNSET_THING}',
      ],
      params,
    });
    expect(line).toEqual([
      'python3.11',
      'train.py',
      '--fixed',
      '--lr=0.5',
      '--debug',
      'lr=0.5',
      'debug=True',
      'quiet=False',
      '{"lr":0.5,"debug":true,"quiet":false}',
      '/tmp/t/params.json',
      'home=/root',
      'UNSET_THING',
    ]);
  });
});

describe('metrics printed by a program', () => {
  it('reads JSON lines, their step from step, _step or epoch', () => {
    expect(parseMetricLine('{"step": 3, "val_loss": 0.31, "note": "x"}')).toEqual({
      step: 3,
      metrics: { val_loss: 0.31 },
    });
    expect(parseMetricLine('  {"epoch": 2, "acc": 0.9}')).toEqual({
      step: 2,
      metrics: { acc: 0.9 },
    });
    // With a step, an epoch is a metric like any other.
    expect(parseMetricLine('{"step": 0, "epoch": 0, "loss": 2}')).toEqual({
      step: 0,
      metrics: { epoch: 0, loss: 2 },
    });
    expect(parseMetricLine('{"loss": 1}')).toEqual({ metrics: { loss: 1 } });
    expect(parseMetricLine('{"step": 1}')).toBeUndefined();
    expect(parseMetricLine('{not json}')).toBeUndefined();
    expect(parseMetricLine('epoch 1 loss=0.5')).toBeUndefined();
  });

  it('reads name=value pairs with a regex (Katib’s by default)', () => {
    const katib = new RegExp(KATIB_METRIC_REGEX);
    expect(parseMetricLine('epoch=4 loss=0.25 accuracy=9.1e-1', katib)).toEqual({
      step: 4,
      metrics: { loss: 0.25, accuracy: 0.91 },
    });
    expect(parseMetricLine('Training done', katib)).toBeUndefined();
    expect(parseMetricLine('val-loss = -0.5', katib)).toEqual({ metrics: { 'val-loss': -0.5 } });
  });
});

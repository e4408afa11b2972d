import { describe, expect, it } from 'vitest';
import { sweepSpecJsonSchema } from '../src/spec/json-schema.js';

type Json = Record<string, unknown>;

describe('sweepSpecJsonSchema', () => {
  const schema = sweepSpecJsonSchema as Json;
  const properties = schema.properties as Record<string, Json>;

  it('describes the top level as a closed object with method and parameters required', () => {
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['method', 'parameters']);
    expect(properties.method!.enum).toEqual(['grid', 'random', 'bayes', 'sobol', 'tpe', 'gp']);
    expect(properties.parallelism).toMatchObject({ type: 'integer', minimum: 1, default: 4 });
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining([
        'metric',
        'pruner',
        'early_terminate',
        'trainer',
        'program',
        'command',
      ]),
    );
    expect(properties.program!.description).toMatch(/^W&B's program: the script each trial runs/);
    expect(properties.entity!.description).toMatch(/^W&B key, accepted and ignored/);
  });

  it('describes parameters recursively, one shape per distribution', () => {
    expect(properties.parameters).toEqual({ $ref: '#/$defs/SweepParameters' });
    const parameters = (schema.$defs as Record<string, Json>).SweepParameters!;
    const shapes = (parameters.additionalProperties as { anyOf: Json[] }).anyOf;
    const distributions = shapes.map(
      (s) => ((s.properties as Record<string, Json>).distribution as Json | undefined)?.const,
    );
    expect(distributions).toEqual([
      'constant',
      'categorical',
      'categorical_w_probabilities',
      'int_uniform',
      'uniform',
      'q_uniform',
      'log_uniform',
      'q_log_uniform',
      'log_uniform_values',
      'q_log_uniform_values',
      'inv_log_uniform',
      'inv_log_uniform_values',
      'normal',
      'q_normal',
      'log_normal',
      'q_log_normal',
      undefined, // the nested group
    ]);
    const group = shapes.at(-1)!.properties as Record<string, Json>;
    expect(group.parameters).toEqual({ $ref: '#/$defs/SweepParameters' });
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(sweepSpecJsonSchema))).toEqual(sweepSpecJsonSchema);
  });
});

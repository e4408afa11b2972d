import { buildSpace } from '@rung/search';
import type { SweepSpec } from '@rung/shared';
import { describe, expect, it } from 'vitest';
import { createSampler, DEFAULT_RUN_CAP, resolveSampler, runCapOf } from '../../src/index.js';

const space = buildSpace({
  lr: { distribution: 'log_uniform_values', min: 1e-4, max: 1e-1 },
  units: { distribution: 'categorical', values: [16, 32, 64] },
});

const spec = (over: Partial<SweepSpec>): SweepSpec => ({
  method: 'random',
  metric: { name: 'val_loss', goal: 'minimize' },
  parameters: {},
  pruner: { type: 'none' },
  trainer: { name: 'mlp', options: {} },
  parallelism: 1,
  seed: 0,
  ...over,
});

describe('sampler choice', () => {
  it('takes the named sampler for explicit methods', () => {
    for (const method of ['grid', 'random', 'sobol', 'tpe', 'gp'] as const) {
      expect(resolveSampler(method, space, 50)).toBe(method);
      expect(createSampler(method).name).toBe(method);
    }
  });

  it('resolves bayes to a model-based sampler', () => {
    // Small budgets and few dimensions: GP-BO, the strongest there and affordable.
    expect(resolveSampler('bayes', space, 50)).toBe('gp');
    // Long sweeps go to TPE, whose suggestion cost does not grow cubically with the history.
    expect(resolveSampler('bayes', space, 5000)).toBe('tpe');
  });

  it('caps a grid at its size and other methods at run_cap or the default', () => {
    const grid = buildSpace({ a: { distribution: 'categorical', values: [1, 2, 3] } });
    expect(runCapOf(spec({ method: 'grid' }), grid)).toBe(3);
    expect(runCapOf(spec({ method: 'grid', run_cap: 2 }), grid)).toBe(2);
    expect(runCapOf(spec({ method: 'random' }), space)).toBe(DEFAULT_RUN_CAP);
    expect(runCapOf(spec({ method: 'random', run_cap: 7 }), space)).toBe(7);
  });

  it('refuses an unknown sampler name', () => {
    expect(() => createSampler('cmaes')).toThrow(/unknown sampler cmaes/);
    expect(() => createSampler('toString')).toThrow(/unknown sampler toString/);
  });
});

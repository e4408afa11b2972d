import { describe, expect, it } from 'vitest';
import { buildSpace } from '../src/index.js';

describe('buildSpace', () => {
  it('flattens nested parameters and keeps constants out of the dimensions', () => {
    const space = buildSpace({
      epochs: { distribution: 'constant', value: 5 },
      optimizer: {
        parameters: {
          lr: { distribution: 'log_uniform_values', min: 1e-4, max: 1e-1 },
          name: { distribution: 'categorical', values: ['adam', 'sgd'] },
        },
      },
    });
    expect(space.dimensions.map((d) => d.name)).toEqual(['optimizer.lr', 'optimizer.name']);
    const params = space.decode([0.5, 1]);
    expect(params).toEqual({
      epochs: 5,
      optimizer: { lr: expect.closeTo(10 ** -2.5, 9), name: 'sgd' },
    });
    expect(space.encode(params)[0]).toBeCloseTo(0.5, 9);
  });

  it('quantizes inside the bounds', () => {
    const space = buildSpace({ x: { distribution: 'q_uniform', min: 0.05, max: 1, q: 0.1 } });
    const values = [0, 0.01, 0.5, 0.99, 1].map((u) => space.decode([u]).x as number);
    expect(values).toEqual([0.1, 0.1, 0.5, 1, 1]);
  });
});

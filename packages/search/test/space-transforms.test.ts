/** The unit-coordinate transforms of every distribution (dimension.ts), beyond space.test.ts. */
import { describe, expect, it } from 'vitest';
import {
  buildSpace,
  MAX_GRID_VALUES,
  type NumericDimension,
  type ParameterSpec,
} from '../src/index.js';

function dimensionOf(spec: ParameterSpec): NumericDimension {
  const dim = buildSpace({ x: spec }).dimensions[0]!;
  if (dim.kind !== 'numeric') throw new Error('expected a numeric dimension');
  return dim;
}

const US = [0, 1e-6, 0.1, 0.25, 0.5, 0.75, 0.9, 1 - 1e-6, 1];

describe('continuous distributions', () => {
  const cases: [string, ParameterSpec, [number, number] | undefined][] = [
    ['uniform', { distribution: 'uniform', min: -2, max: 6 }, [-2, 6]],
    ['log_uniform', { distribution: 'log_uniform', min: -5, max: 1 }, [Math.exp(-5), Math.exp(1)]],
    ['log_uniform_values', { distribution: 'log_uniform_values', min: 1e-5, max: 10 }, [1e-5, 10]],
    [
      'inv_log_uniform',
      { distribution: 'inv_log_uniform', min: 1, max: 7 },
      [Math.exp(-7), Math.exp(-1)],
    ],
    [
      'inv_log_uniform_values',
      { distribution: 'inv_log_uniform_values', min: 0.01, max: 100 },
      [0.01, 100],
    ],
    ['normal', { distribution: 'normal', mu: 3, sigma: 0.5 }, undefined],
    ['log_normal', { distribution: 'log_normal', mu: -1, sigma: 2 }, undefined],
  ];

  describe.each(cases)('%s', (_, spec, bounds) => {
    const dim = dimensionOf(spec);

    it('round-trips u → value → u', () => {
      for (const u of US.slice(1, -1)) expect(dim.encode(dim.decode(u))).toBeCloseTo(u, 6);
    });

    it('round-trips value → u → value', () => {
      for (const u of US.slice(1, -1)) {
        const v = dim.decode(u);
        const back = dim.decode(dim.encode(v));
        expect(Math.abs(back - v)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v)));
      }
    });

    it('is increasing in u and stays inside the bounds', () => {
      const values = US.map((u) => dim.decode(u));
      for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
      if (bounds) {
        expect(values[0]).toBeCloseTo(bounds[0], 12);
        expect(values.at(-1)).toBeCloseTo(bounds[1], 12);
        for (const v of values) {
          expect(v).toBeGreaterThanOrEqual(bounds[0]);
          expect(v).toBeLessThanOrEqual(bounds[1]);
        }
      } else {
        expect(values.every(Number.isFinite)).toBe(true);
      }
      expect(dim.gridValues).toBeUndefined();
      expect(dim.integer).toBe(false);
    });
  });

  it('log_uniform takes its bounds as natural-log exponents', () => {
    const dim = dimensionOf({ distribution: 'log_uniform', min: -4, max: 2 });
    expect(dim.log).toBe(true);
    expect(dim.decode(0)).toBeCloseTo(Math.exp(-4), 12);
    expect(dim.decode(1)).toBeCloseTo(Math.exp(2), 12);
    expect(Math.log(dim.decode(0.25))).toBeCloseTo(-4 + 0.25 * 6, 12);
  });

  it('inv_log_uniform: log(1/X) is uniform in [min, max]', () => {
    const dim = dimensionOf({ distribution: 'inv_log_uniform', min: 1, max: 5 });
    for (const u of [0, 0.3, 0.8, 1]) {
      // X increases with u, so log(1/X) runs from max down to min.
      expect(-Math.log(dim.decode(u))).toBeCloseTo(5 - 4 * u, 12);
    }
  });

  it('inv_log_uniform_values has the law of log_uniform_values on the same bounds', () => {
    const inv = dimensionOf({ distribution: 'inv_log_uniform_values', min: 0.01, max: 100 });
    const log = dimensionOf({ distribution: 'log_uniform_values', min: 0.01, max: 100 });
    for (const u of US) expect(inv.decode(u)).toBeCloseTo(log.decode(u), 12);
    expect(inv.decode(0.5)).toBeCloseTo(1, 12);
  });

  it('normal and log_normal put their quantiles where the prior does', () => {
    const normal = dimensionOf({ distribution: 'normal', mu: 3, sigma: 0.5 });
    expect(normal.decode(0.5)).toBeCloseTo(3, 9);
    expect(normal.decode(0.8413447460685429)).toBeCloseTo(3.5, 5);
    expect(normal.decode(0)).toBeLessThan(3 - 5 * 0.5); // the tails stay finite
    const logNormal = dimensionOf({ distribution: 'log_normal', mu: -1, sigma: 2 });
    expect(logNormal.decode(0.5)).toBeCloseTo(Math.exp(-1), 9);
    expect(logNormal.decode(0.1586552539314571)).toBeCloseTo(Math.exp(-3), 5);
    expect(logNormal.log).toBe(true);
  });
});

describe('int_uniform', () => {
  const dim = dimensionOf({ distribution: 'int_uniform', min: -2, max: 3 });

  it('includes both ends and gives every integer the same share of u', () => {
    expect(dim.decode(0)).toBe(-2);
    expect(dim.decode(1)).toBe(3);
    const counts = new Map<number, number>();
    for (let i = 0; i < 600; i++) {
      const v = dim.decode((i + 0.5) / 600);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.entries()].sort((a, b) => a[0] - b[0])).toEqual(
      [-2, -1, 0, 1, 2, 3].map((v) => [v, 100]),
    );
  });

  it('lists its values and round-trips each through the centre of its cell', () => {
    expect(dim.gridValues).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(dim.integer).toBe(true);
    for (const v of dim.gridValues!) {
      expect(dim.decode(dim.encode(v))).toBe(v);
      expect(dim.encode(v)).toBeCloseTo((v + 2 + 0.5) / 6, 12);
    }
  });

  it('gives up listing values past MAX_GRID_VALUES', () => {
    const wide = dimensionOf({ distribution: 'int_uniform', min: 0, max: MAX_GRID_VALUES });
    expect(wide.gridValues).toBeUndefined();
    expect(wide.decode(1)).toBe(MAX_GRID_VALUES);
  });
});

describe('quantized distributions', () => {
  const cases: [string, ParameterSpec, number[]][] = [
    ['q_uniform', { distribution: 'q_uniform', min: 0, max: 1, q: 0.25 }, [0, 0.25, 0.5, 0.75, 1]],
    [
      'q_uniform inside bounds',
      { distribution: 'q_uniform', min: 0.05, max: 0.5, q: 0.1 },
      [0.1, 0.2, 0.3, 0.4, 0.5],
    ],
    ['q_uniform default q', { distribution: 'q_uniform', min: 0.5, max: 3.5 }, [1, 2, 3]],
    [
      'q_log_uniform_values',
      { distribution: 'q_log_uniform_values', min: 1, max: 100, q: 25 },
      [25, 50, 75, 100],
    ],
    ['q_log_uniform', { distribution: 'q_log_uniform', min: 0, max: 3, q: 5 }, [5, 10, 15, 20]],
  ];

  describe.each(cases)('%s', (_, spec, values) => {
    const dim = dimensionOf(spec);

    it('lists the multiples of q inside the bounds, without binary noise', () => {
      expect(dim.gridValues).toEqual(values);
    });

    it('decodes every u to one of them, both ends included', () => {
      const seen = new Set<number>();
      for (let i = 0; i <= 1000; i++) seen.add(dim.decode(i / 1000));
      expect([...seen].sort((a, b) => a - b)).toEqual(values);
    });

    it('round-trips each value', () => {
      for (const v of values) expect(dim.decode(dim.encode(v))).toBe(v);
    });
  });

  it('rounds to the nearest multiple of q', () => {
    const dim = dimensionOf({ distribution: 'q_uniform', min: 0, max: 10, q: 2 });
    expect(dim.decode(0.29)).toBe(2); // raw 2.9
    expect(dim.decode(0.31)).toBe(4); // raw 3.1
    expect(dim.integer).toBe(true);
    expect(dimensionOf({ distribution: 'q_uniform', min: 0, max: 1, q: 0.1 }).integer).toBe(false);
  });

  it('rounds unbounded q_normal and q_log_normal too', () => {
    const dim = dimensionOf({ distribution: 'q_normal', mu: 0, sigma: 10, q: 0.5 });
    expect(dim.gridValues).toBeUndefined();
    for (const u of US) {
      const v = dim.decode(u);
      expect(Math.abs(v / 0.5 - Math.round(v / 0.5))).toBeLessThan(1e-9);
      expect(dim.decode(dim.encode(v))).toBe(v);
    }
    const logNormal = dimensionOf({ distribution: 'q_log_normal', mu: 3, sigma: 1, q: 1 });
    expect(Number.isInteger(logNormal.decode(0.37))).toBe(true);
    expect(logNormal.decode(0.5)).toBe(Math.round(Math.exp(3)));
  });
});

describe('points, params and keys', () => {
  const space = buildSpace({
    n: { distribution: 'int_uniform', min: 0, max: 9 },
    c: { distribution: 'categorical', values: ['a', 'b'] },
  });

  it('gives equal keys exactly to points that decode to the same params', () => {
    // Dimensions sort by name: c, then n.
    expect(space.dimensions.map((d) => d.name)).toEqual(['c', 'n']);
    expect(space.key([1, 0.01])).toBe(space.key([1, 0.09]));
    expect(space.key([1, 0.01])).not.toBe(space.key([1, 0.11]));
    expect(space.key([1, 0.01])).not.toBe(space.key([0, 0.01]));
  });

  it('encodes params back to a point that decodes to them', () => {
    const params = { c: 'b', n: 7 };
    expect(space.decode(space.encode(params))).toEqual(params);
  });

  it('refuses unknown categorical values, missing params and wrong point lengths', () => {
    expect(() => space.encode({ c: 'z', n: 1 })).toThrow('c: "z" is not one of the values');
    expect(() => space.encode({ c: 'a' })).toThrow('n: missing from params');
    expect(() => space.decode([0.5])).toThrow('point has 1 coordinates, space has 2');
  });
});

import { describe, expect, it } from 'vitest';
import { buildSpace, type FinishedTrial, type Point } from '../src/index.js';
import { createGridSampler, gridSize } from '../src/samplers/grid.js';
import { context } from './sampler-harness.js';

/** Suggests until the grid is used up, every trial finished before the next. */
function exhaust(space: ReturnType<typeof buildSpace>): Point[] {
  const sampler = createGridSampler();
  const history: FinishedTrial[] = [];
  for (let i = 0; i < 100_000; i++) {
    const point = sampler.suggest(context(space, i, history));
    if (point === null) return history.map((t) => t.point);
    history.push({ number: i, state: 'completed', point, loss: 0 });
  }
  throw new Error('grid never ran out');
}

describe('grid sampler', () => {
  it('enumerates like itertools.product over the sorted dimensions: first slowest', () => {
    // Written b-then-a; dimensions sort by name, so `a` is the first (slowest) one.
    const space = buildSpace({
      b: { distribution: 'int_uniform', min: 1, max: 3 },
      a: { distribution: 'categorical', values: ['x', 'y'] },
    });
    expect(exhaust(space).map((p) => space.decode(p))).toEqual([
      { a: 'x', b: 1 },
      { a: 'x', b: 2 },
      { a: 'x', b: 3 },
      { a: 'y', b: 1 },
      { a: 'y', b: 2 },
      { a: 'y', b: 3 },
    ]);
    expect(gridSize(space)).toBe(6);
  });

  it('keeps categorical values in the order written and quantized values ascending', () => {
    const space = buildSpace({
      c: { distribution: 'categorical', values: [3, 1, 2] },
      q: { distribution: 'q_log_uniform_values', min: 1, max: 100, q: 40 },
    });
    const params = exhaust(space).map((p) => space.decode(p));
    expect(params.map((p) => [p.c, p.q])).toEqual([
      [3, 40],
      [3, 80],
      [1, 40],
      [1, 80],
      [2, 40],
      [2, 80],
    ]);
  });

  it('visits every combination exactly once, then returns null', () => {
    const space = buildSpace({
      act: { distribution: 'categorical', values: ['relu', 'tanh', false, null] },
      n: { distribution: 'int_uniform', min: -2, max: 2 },
      opt: {
        parameters: {
          m: { distribution: 'q_uniform', min: 0.05, max: 0.95, q: 0.1 },
          k: { distribution: 'categorical', values: ['adam', 'sgd'] },
        },
      },
    });
    const size = gridSize(space);
    expect(size).toBe(4 * 5 * 9 * 2);
    const points = exhaust(space);
    expect(points).toHaveLength(size);
    expect(new Set(points.map((p) => space.key(p))).size).toBe(size);
  });

  it('counts equal categorical values once', () => {
    const space = buildSpace({ a: { distribution: 'categorical', values: [1, 2, 1] } });
    expect(gridSize(space)).toBe(2);
    expect(exhaust(space).map((p) => space.decode(p).a)).toEqual([1, 2]);
  });

  it('skips pending points and every finished state, and recognises points by their params', () => {
    const space = buildSpace({ n: { distribution: 'int_uniform', min: 0, max: 4 } });
    const sampler = createGridSampler();
    // A failed trial at n=0 through an off-centre coordinate, a pruned one at n=1, n=2 running.
    const history: FinishedTrial[] = [
      { number: 0, state: 'failed', point: [0.01] },
      { number: 1, state: 'pruned', point: [0.39], loss: 1, step: 1 },
    ];
    const next = sampler.suggest(context(space, 3, history, [[0.5]]));
    expect(space.decode(next!)).toEqual({ n: 3 });
    // Holes are filled first: with n=3 and n=4 used, the lowest free one is n=0.
    expect(space.decode(sampler.suggest(context(space, 4, [], [[0.7], [0.9]]))!)).toEqual({ n: 0 });
  });

  it('ignores the rng and the trial number: the order is fixed by the history', () => {
    const space = buildSpace({ n: { distribution: 'int_uniform', min: 0, max: 9 } });
    const a = createGridSampler().suggest(context(space, 0, [], [], 1));
    const b = createGridSampler().suggest(context(space, 17, [], [], 99));
    expect(b).toEqual(a);
  });

  it('runs a space of constants once', () => {
    const space = buildSpace({ a: { distribution: 'constant', value: 1 } });
    expect(gridSize(space)).toBe(1);
    expect(exhaust(space)).toEqual([[]]);
  });

  it('finds the few free cells of a 10^4 grid behind a long history', () => {
    const space = buildSpace({
      a: { distribution: 'int_uniform', min: 0, max: 99 },
      b: { distribution: 'int_uniform', min: 0, max: 99 },
    });
    const sampler = createGridSampler();
    const free = new Set([17, 5_000, 9_999]);
    const history: FinishedTrial[] = [];
    for (let i = 0; i < 10_000; i++) {
      if (free.has(i)) continue;
      const point = [(Math.floor(i / 100) + 0.5) / 100, ((i % 100) + 0.5) / 100];
      history.push({ number: history.length, state: 'completed', point, loss: 0 });
    }
    const found: unknown[] = [];
    for (;;) {
      const point = sampler.suggest(context(space, history.length, history));
      if (point === null) break;
      found.push(space.decode(point));
      history.push({ number: history.length, state: 'completed', point, loss: 0 });
    }
    expect(found).toEqual([
      { a: 0, b: 17 },
      { a: 50, b: 0 },
      { a: 99, b: 99 },
    ]);
  });

  it('walks the first combinations of a grid past 2^53 (20 parameters × 10 values)', () => {
    const space = buildSpace(
      Object.fromEntries(
        Array.from({ length: 20 }, (_, i) => [
          `p${String(i).padStart(2, '0')}`,
          { distribution: 'categorical', values: Array.from({ length: 10 }, (_, v) => v) },
        ]),
      ),
    );
    expect(gridSize(space)).toBe(1e20);
    const sampler = createGridSampler();
    const history: FinishedTrial[] = [];
    for (let i = 0; i < 12; i++) {
      const point = sampler.suggest(context(space, i, history));
      if (point === null) throw new Error('grid ran out');
      history.push({ number: i, state: 'completed', point, loss: 0 });
    }
    // itertools.product: the last parameter fastest, then the one before it.
    const decoded = history.map((t) => space.decode(t.point));
    expect(decoded.map((p) => [p.p18, p.p19])).toEqual([
      ...Array.from({ length: 10 }, (_, v) => [0, v]),
      [1, 0],
      [1, 1],
    ]);
    expect(decoded.every((p) => p.p00 === 0 && p.p17 === 0)).toBe(true);
  });

  it('runs a range of zero width (min = max) as its one value', () => {
    for (const distribution of ['q_uniform', 'q_log_uniform_values'] as const) {
      const space = buildSpace({ a: { distribution, min: 110, max: 110, q: 1 } });
      expect(exhaust(space).map((p) => space.decode(p))).toEqual([{ a: 110 }]);
    }
  });

  describe('errors', () => {
    it('names a continuous parameter', () => {
      const space = buildSpace({
        batch: { distribution: 'int_uniform', min: 1, max: 8 },
        lr: { distribution: 'log_uniform_values', min: 1e-4, max: 1e-1 },
      });
      const message = 'lr: grid search needs values, an int_uniform range or a q_* distribution';
      expect(() => gridSize(space)).toThrow(message);
      expect(() => createGridSampler().suggest(context(space, 0))).toThrow(message);
    });

    it('names an unbounded quantized parameter', () => {
      const space = buildSpace({ x: { distribution: 'q_normal', mu: 0, sigma: 1, q: 0.1 } });
      expect(() => gridSize(space)).toThrow(/^x: grid search needs values/);
    });

    it('names a range too large to enumerate', () => {
      const space = buildSpace({ n: { distribution: 'int_uniform', min: 0, max: 10_000_000 } });
      expect(() => gridSize(space)).toThrow(/^n: too many values for grid search/);
    });
  });
});

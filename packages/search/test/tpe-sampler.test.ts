/**
 * The TPE sampler end to end: options, startup, determinism, the cache (never changes a result),
 * pending trials (constant liar), pruned and failed trials, categorical and log dimensions,
 * and that it beats random search.
 */
import { describe, expect, it } from 'vitest';
import {
  buildSpace,
  createRng,
  type FinishedTrial,
  type Point,
  type Sampler,
  type SearchSpace,
  type SuggestContext,
} from '../src/index.js';
import { createMultivariateTpeSampler, createTpeSampler } from '../src/samplers/tpe/tpe-sampler.js';

const SPHERE = buildSpace({
  a: { distribution: 'uniform', min: -1, max: 1 },
  b: { distribution: 'uniform', min: -1, max: 1 },
  c: { distribution: 'uniform', min: -1, max: 1 },
});

/** Σ (x − 0.3)² over the unit coordinates. */
function sphere(point: Point): number {
  return point.reduce((s, x) => s + (x - 0.3) ** 2, 0);
}

function ctx(
  space: SearchSpace,
  history: readonly FinishedTrial[],
  trialNumber = history.length,
  pending: readonly Point[] = [],
  seed = 7,
): SuggestContext {
  return { space, history, pending, rng: createRng(seed, trialNumber), seed, trialNumber };
}

/** A sequential run: each trial finished before the next is suggested. */
function run(
  sampler: Sampler,
  space: SearchSpace,
  trials: number,
  loss: (p: Point) => number,
  seed = 7,
): FinishedTrial[] {
  const history: FinishedTrial[] = [];
  for (let i = 0; i < trials; i++) {
    const point = sampler.suggest(ctx(space, history, i, [], seed))!;
    history.push({ number: i, state: 'completed', point, loss: loss(point) });
  }
  return history;
}

/** A history of uniform points, as if from the startup phase and beyond. */
function randomHistory(space: SearchSpace, n: number, seed: number): FinishedTrial[] {
  const rng = createRng(seed, 999);
  return Array.from({ length: n }, (_, number) => {
    const point = space.dimensions.map((d) =>
      d.kind === 'categorical' ? rng.int(d.values.length) : rng.next(),
    );
    return { number, state: 'completed' as const, point, loss: sphere(point) };
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe('TPE options', () => {
  it('merges defaults and names the sampler by mode', () => {
    expect(createTpeSampler().name).toBe('tpe');
    expect(createTpeSampler({ multivariate: true }).name).toBe('tpe-multivariate');
    expect(createMultivariateTpeSampler().name).toBe('tpe-multivariate');
  });

  it('rejects bad options at construction, naming the option', () => {
    expect(() => createTpeSampler({ startupTrials: -1 })).toThrow(/startupTrials/);
    expect(() => createTpeSampler({ candidates: 0 })).toThrow(/candidates/);
    expect(() => createTpeSampler({ priorWeight: 0 })).toThrow(/priorWeight/);
    expect(() => createTpeSampler({ gamma: (n) => n / 3 })).toThrow(/gamma/);
    expect(() => createTpeSampler({ scoring: 'fast' as never })).toThrow(/scoring/);
    expect(() => createTpeSampler({ startup_trials: 3 } as never)).toThrow(
      "tpe: unknown option 'startup_trials'",
    );
    expect(() => createTpeSampler({ constantLiar: 'yes' as never })).toThrow(/constantLiar/);
  });
});

describe('TPE sampler', () => {
  it('samples at random during startup, then from the model', () => {
    const history = randomHistory(SPHERE, 9, 1);
    // With fewer finished trials than startupTrials the point is uniform: the same for any gamma.
    const a = createTpeSampler().suggest(ctx(SPHERE, history));
    const b = createTpeSampler({ gamma: () => 0 }).suggest(ctx(SPHERE, history));
    expect(a).toEqual(b);
    const more = randomHistory(SPHERE, 10, 1);
    const c = createTpeSampler().suggest(ctx(SPHERE, more));
    const d = createTpeSampler({ gamma: () => 0 }).suggest(ctx(SPHERE, more));
    expect(c).not.toEqual(d);
  });

  it('is deterministic: the same context gives the same point', () => {
    for (const create of [createTpeSampler, createMultivariateTpeSampler]) {
      const history = randomHistory(SPHERE, 40, 2);
      const first = create().suggest(ctx(SPHERE, history));
      expect(create().suggest(ctx(SPHERE, history))).toEqual(first);
      const sampler = create();
      expect(sampler.suggest(ctx(SPHERE, history))).toEqual(first);
      expect(sampler.suggest(ctx(SPHERE, history))).toEqual(first);
    }
  });

  it('gives a warm instance the same results as fresh ones (the cache changes nothing)', () => {
    const space = buildSpace({
      x: { distribution: 'uniform', min: 0, max: 1 },
      n: { distribution: 'int_uniform', min: 1, max: 9 },
      k: { distribution: 'categorical', values: ['a', 'b', 'c'] },
      lr: { distribution: 'q_log_uniform_values', min: 1e-4, max: 1, q: 1e-4 },
    });
    for (const multivariate of [false, true]) {
      const warm = createTpeSampler({ multivariate });
      const full = randomHistory(space, 80, 3).map((r, i) =>
        // Some pruned and failed trials, and repeated values (ties in every sorted order).
        i % 7 === 3
          ? { ...r, state: 'pruned' as const, step: i % 3 }
          : i % 11 === 5
            ? { number: r.number, state: 'failed' as const, point: r.point }
            : i % 5 === 0 && i > 0
              ? { ...r, point: [0.5, 0.5, 1, 0.5] }
              : r,
      );
      // Grow by one; then out of order (trial 41 finishes after 42..44); then a jump.
      const views: FinishedTrial[][] = [];
      for (let n = 5; n <= 40; n++) views.push(full.slice(0, n));
      views.push([...full.slice(0, 41), ...full.slice(42, 45)]);
      views.push(full.slice(0, 45));
      views.push(full.slice(0, 80));
      // Not an extension: an earlier record changed, and a shorter history.
      views.push(full.slice(0, 80).map((r) => (r.number === 12 ? { ...r, loss: -5 } : r)));
      views.push(full.slice(0, 30));
      for (const history of views) {
        // Fresh arrays and records each call, as the scheduler builds them from Redis.
        const copy = history.map((r) => ({ ...r, point: [...r.point] }));
        const pending = [full[79]!.point];
        const got = warm.suggest(ctx(space, copy, 100, pending));
        const fresh = createTpeSampler({ multivariate }).suggest(ctx(space, history, 100, pending));
        expect(got).toEqual(fresh);
      }
    }
  });

  it('spreads pending suggestions with the constant liar', () => {
    const history = randomHistory(SPHERE, 30, 4);
    for (const multivariate of [false, true]) {
      // The same RNG for every call: only the pending points can make suggestions differ.
      const suggestAll = (constantLiar: boolean) => {
        const sampler = createTpeSampler({ constantLiar, multivariate });
        const pending: Point[] = [];
        for (let i = 0; i < 8; i++)
          pending.push(sampler.suggest(ctx(SPHERE, history, 30, pending))!);
        return pending.map((p) => JSON.stringify(p));
      };
      expect(new Set(suggestAll(false)).size).toBe(1);
      expect(new Set(suggestAll(true)).size).toBe(8);
    }
  });

  it('learns from pruned trials (ranked after completed ones) and ignores failed ones', () => {
    const history = randomHistory(SPHERE, 30, 5);
    const base = createTpeSampler().suggest(ctx(SPHERE, history));
    // A failed trial adds nothing.
    const failed: FinishedTrial = { number: 30, state: 'failed', point: [0.9, 0.9, 0.9] };
    expect(createTpeSampler().suggest(ctx(SPHERE, [...history, failed], 30))).toEqual(base);
    // A pruned one is an observation (it changes the 'above' group), whatever its loss.
    const pruned: FinishedTrial = { ...failed, state: 'pruned', loss: -100, step: 4 };
    expect(createTpeSampler().suggest(ctx(SPHERE, [...history, pruned], 30))).not.toEqual(base);
  });

  it('handles categorical, integer, log and unbounded dimensions', () => {
    const space = buildSpace({
      act: { distribution: 'categorical', values: ['relu', 'tanh', 'gelu', 'elu'] },
      layers: { distribution: 'int_uniform', min: 1, max: 8 },
      lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1 },
      batch: { distribution: 'q_log_uniform_values', min: 8, max: 512, q: 8 },
      shift: { distribution: 'normal', mu: 0, sigma: 1 },
    });
    // Best: gelu, 3 layers, lr 1e-3 (log scale), batch near 64, shift near 0.
    const loss = (p: Point) => {
      const v = space.decode(p);
      return (
        (v.act === 'gelu' ? 0 : 1) +
        0.2 * Math.abs((v.layers as number) - 3) +
        (Math.log10(v.lr as number) + 3) ** 2 +
        Math.log2((v.batch as number) / 64) ** 2 * 0.3 +
        (v.shift as number) ** 2
      );
    };
    for (const create of [createTpeSampler, createMultivariateTpeSampler]) {
      const history = run(create(), space, 80, loss);
      for (const t of history) {
        const v = space.decode(t.point);
        expect(Number.isInteger(v.layers)).toBe(true);
        expect((v.batch as number) % 8).toBe(0);
        expect(t.point[0]).toBe(Math.round(t.point[0]!));
      }
      const late = history.slice(40).map((t) => space.decode(t.point));
      // The model-based half concentrates on the best category and the right decade of lr.
      expect(late.filter((v) => v.act === 'gelu').length).toBeGreaterThan(20);
      const lrs = late.map((v) => Math.log10(v.lr as number)).sort((a, b) => a - b);
      expect(Math.abs(lrs[20]! + 3)).toBeLessThan(1);
      expect(Math.min(...history.map((t) => t.loss!))).toBeLessThan(0.5);
    }
  });

  it('beats random search by a wide margin on a simple function', () => {
    const space = buildSpace(
      Object.fromEntries(
        ['a', 'b', 'c', 'd'].map((n) => [n, { distribution: 'uniform' as const, min: 0, max: 1 }]),
      ),
    );
    const uniform: Sampler = {
      name: 'uniform',
      suggest: (c) => c.space.dimensions.map(() => c.rng.next()),
    };
    const best = (create: () => Sampler) =>
      median(
        [1, 2, 3, 4, 5, 6, 7].map((seed) =>
          Math.min(...run(create(), space, 60, sphere, seed).map((t) => t.loss!)),
        ),
      );
    const random = best(() => uniform);
    expect(best(createTpeSampler)).toBeLessThan(random / 3);
    expect(best(createMultivariateTpeSampler)).toBeLessThan(random / 3);
  });

  it("scores with the normalized density when asked ('density'), else as Optuna 3.1", () => {
    const history = randomHistory(SPHERE, 60, 6);
    const points = (['optuna-3.1', 'density'] as const).map((scoring) =>
      Array.from({ length: 10 }, (_, i) =>
        createTpeSampler({ scoring }).suggest(ctx(SPHERE, history, 60 + i)),
      ),
    );
    // Same candidates (same draws), different choices at least sometimes.
    expect(points[0]).not.toEqual(points[1]);
  });
});

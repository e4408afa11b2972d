/**
 * The GP-BO sampler end to end: options, startup design, determinism, pending trials, mixed
 * spaces, trial states, and that it actually optimizes better than random search.
 */
import { describe, expect, it } from 'vitest';
import {
  buildSpace,
  type FinishedTrial,
  type Point,
  type Sampler,
  type SearchSpace,
} from '../src/index.js';
import { createGpSampler } from '../src/samplers/gp/gp-sampler.js';
import { createRandomSampler } from '../src/samplers/random.js';
import { sobolPoints } from '../src/samplers/sobol/sequence.js';
import {
  context,
  DISCRETE_SPECS,
  expectValidParams,
  expectValidPoint,
  MIXED_SPECS,
  runSweep,
} from './sampler-harness.js';

/** A smooth 3-D bowl with its minimum (0) off-centre, in the unit coordinates. */
const BOWL = buildSpace({
  a: { distribution: 'uniform', min: 0, max: 1 },
  b: { distribution: 'uniform', min: 0, max: 1 },
  c: { distribution: 'uniform', min: 0, max: 1 },
});
const bowl = (p: Point) => (p[0]! - 0.7) ** 2 + 2 * (p[1]! - 0.2) ** 2 + 0.5 * (p[2]! - 0.55) ** 2;

/** Runs a sequential sweep and returns its history. */
function sweep(
  sampler: Sampler,
  space: SearchSpace,
  f: (p: Point) => number,
  n: number,
  seed: number,
): FinishedTrial[] {
  const history: FinishedTrial[] = [];
  for (let i = 0; i < n; i++) {
    const point = sampler.suggest(context(space, i, history, [], seed))!;
    history.push({ number: i, state: 'completed', point, loss: f(point) });
  }
  return history;
}

const bestLoss = (h: readonly FinishedTrial[]) => Math.min(...h.map((t) => t.loss ?? Infinity));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;

describe('gp sampler options', () => {
  it('rejects invalid options at construction', () => {
    expect(() => createGpSampler({ candidates: 0 })).toThrow(/candidates/);
    expect(() => createGpSampler({ restarts: 1.5 })).toThrow(/restarts/);
    expect(() => createGpSampler({ startupTrials: -1 })).toThrow(/startupTrials/);
    expect(() => createGpSampler({ maxObservations: 1 })).toThrow(/maxObservations/);
    // @ts-expect-error: not a transform
    expect(() => createGpSampler({ outputTransform: 'log' })).toThrow(/outputTransform/);
    expect(() => createGpSampler({ candidate: 3 } as never)).toThrow(
      "gp sampler: unknown option 'candidate'",
    );
    // @ts-expect-error: not a policy
    expect(() => createGpSampler({ prunedTrials: 'drop' })).toThrow(/prunedTrials/);
    expect(createGpSampler({ candidates: undefined }).name).toBe('gp');
  });
});

describe('gp sampler', () => {
  it('starts from the sweep’s scrambled Sobol sequence, indexed by trial number', () => {
    const sampler = createGpSampler({ startupTrials: 4 });
    for (const n of [0, 1, 3]) {
      expect(sampler.suggest(context(BOWL, n, [], [], 7))).toEqual(sobolPoints(3, 1, 7, n)[0]);
    }
  });

  it('suggests nothing for a space of constants', () => {
    const space = buildSpace({ k: { distribution: 'constant', value: 1 } });
    expect(createGpSampler().suggest(context(space, 9))).toEqual([]);
  });

  it('is deterministic, and its cache never changes a result', () => {
    const history = sweep(createGpSampler(), BOWL, bowl, 40, 3);
    const ctx = () => context(BOWL, 40, history, [history[39]!.point], 3);
    const fresh = createGpSampler().suggest(ctx());
    expect(createGpSampler().suggest(ctx())).toEqual(fresh);
    // A sampler that has seen the sweep grow (and cached its fits) answers the same.
    const warm = createGpSampler();
    for (let n = 6; n <= 40; n += 2) warm.suggest(context(BOWL, n, history.slice(0, n), [], 3));
    expect(warm.suggest(ctx())).toEqual(fresh);
  });

  it('beats random search on a smooth function by a wide margin', () => {
    const gp: number[] = [];
    const random: number[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      gp.push(bestLoss(sweep(createGpSampler(), BOWL, bowl, 25, seed)));
      random.push(bestLoss(sweep(createRandomSampler(), BOWL, bowl, 25, seed)));
    }
    // Random search's median best is ~1e-2 here; the GP's is orders of magnitude lower.
    expect(median(gp)).toBeLessThan(median(random) / 20);
    expect(Math.max(...gp)).toBeLessThan(Math.min(...random));
  });

  it('does not pile onto pending points: 8 parallel suggestions all differ', () => {
    const history = sweep(createGpSampler(), BOWL, bowl, 20, 4);
    const sampler = createGpSampler();
    const pending: Point[] = [];
    for (let k = 0; k < 9; k++) {
      const p = sampler.suggest(context(BOWL, 20 + k, history, pending, 4))!;
      expect(pending.map((q) => BOWL.key(q))).not.toContain(BOWL.key(p));
      pending.push(p);
    }
    // Believing the pending points collapses the acquisition on them, so the suggestions spread
    // out instead of differing only by rounding.
    for (let i = 0; i < pending.length; i++) {
      for (let j = 0; j < i; j++) {
        expect(Math.hypot(...pending[i]!.map((v, k) => v - pending[j]![k]!))).toBeGreaterThan(1e-5);
      }
    }
    // The first suggestion is what a sequential sweep would get; with it pending, another.
    const alone = sampler.suggest(context(BOWL, 20, history, [], 4))!;
    expect(pending[0]).toEqual(alone);
    const withIt = sampler.suggest(context(BOWL, 20, history, [alone], 4))!;
    expect(BOWL.key(withIt)).not.toBe(BOWL.key(alone));
  });

  it('never returns a pending point in a small discrete space, nor a finished one while any is left', () => {
    const space = buildSpace({
      c: { distribution: 'categorical', values: ['a', 'b', 'c'] },
      n: { distribution: 'int_uniform', min: 1, max: 3 },
    });
    const f = (p: Point) => (p[0] === 2 ? 0 : 1) + Math.abs(space.decode(p).n as number);
    const history = sweep(createGpSampler({ startupTrials: 3 }), space, f, 5, 2);
    const all: Point[] = [];
    for (let c = 0; c < 3; c++) for (const n of [1, 2, 3]) all.push([c, (n - 0.5) / 3]);
    const taken = new Set(history.map((t) => space.key(t.point)));
    const free = all.filter((p) => !taken.has(space.key(p)));
    // All free points but one are pending: the sampler must find the last one.
    const pending = free.slice(1);
    const p = createGpSampler({ startupTrials: 3 }).suggest(
      context(space, 5, history, pending, 2),
    )!;
    expect(space.key(p)).toBe(space.key(free[0]!));
  });

  it('handles categorical and integer parameters: valid values, cell centres, the best category', () => {
    const space = buildSpace({
      kind: { distribution: 'categorical', values: ['sgd', 'adam', 'rmsprop'] },
      layers: { distribution: 'int_uniform', min: 1, max: 200 },
      x: { distribution: 'uniform', min: 0, max: 1 },
    });
    const f = (p: Point) => {
      const v = space.decode(p) as { kind: string; layers: number; x: number };
      return (v.kind === 'adam' ? 0 : 1) + ((v.layers - 137) / 200) ** 2 + (v.x - 0.4) ** 2;
    };
    const history = sweep(createGpSampler(), space, f, 30, 6);
    const dim = space.dimensions[1]!;
    for (const t of history.slice(5)) {
      expectValidPoint(space, t.point);
      // Integer coordinates sit at their cell's centre: the point scored is the point returned.
      if (dim.kind === 'numeric') expect(dim.encode(dim.decode(t.point[1]!))).toBe(t.point[1]);
    }
    const best = history.reduce((a, b) => (b.loss! < a.loss! ? b : a));
    expect(space.decode(best.point).kind).toBe('adam');
    expect(Math.abs((space.decode(best.point).layers as number) - 137)).toBeLessThan(15);
    expect(best.loss).toBeLessThan(0.01);
  });

  it('meets every distribution and the finite space with valid, distinct points', () => {
    for (const specs of [MIXED_SPECS, DISCRETE_SPECS]) {
      const space = buildSpace(specs);
      const history = runSweep(createGpSampler({ startupTrials: 4 }), space, 12);
      expect(new Set(history.map((t) => space.key(t.point))).size).toBe(history.length);
      for (const t of history) {
        expectValidPoint(space, t.point);
        expectValidParams(specs, space.decode(t.point));
      }
    }
  });

  it('copes with losses at the ends of the double range', () => {
    const history = sweep(createGpSampler(), BOWL, bowl, 10, 9).map((t, i) => ({
      ...t,
      loss: i % 3 === 0 ? 1.7e308 : i % 3 === 1 ? -1.7e308 : t.loss,
    }));
    const p = createGpSampler().suggest(context(BOWL, 10, history, [], 9));
    expectValidPoint(BOWL, p!);
    expect(history.map((t) => BOWL.key(t.point))).not.toContain(BOWL.key(p!));
  });

  it('ignores failed trials and learns from pruned and diverged ones', () => {
    const history = sweep(createGpSampler(), BOWL, bowl, 12, 8);
    const withStates: FinishedTrial[] = history.map((t, i) =>
      i === 2
        ? { number: t.number, state: 'failed', point: t.point }
        : i === 4
          ? { ...t, state: 'pruned', step: 3 }
          : i === 6
            ? { ...t, loss: Number.NaN }
            : t,
    );
    const p = createGpSampler().suggest(context(BOWL, 12, withStates, [], 8));
    expectValidPoint(BOWL, p!);
    // A failed trial's point carries no information: the suggestion is as if it were absent.
    const without = history.filter((_, i) => i !== 2);
    const failedOnly = history.map((t, i) =>
      i === 2 ? { number: t.number, state: 'failed' as const, point: t.point } : t,
    );
    expect(createGpSampler().suggest(context(BOWL, 12, failedOnly, [], 8))).toEqual(
      createGpSampler().suggest(context(BOWL, 12, without, [], 8)),
    );
  });

  it('ranks stopped trials by how far they got, and models before any trial completed', () => {
    // Every trial stopped early (successive halving pauses them): without ranking, the GP would
    // wait in its Sobol design for a completion. Deeper trials are the better ones here.
    const space = BOWL;
    const points = sobolPoints(3, 12, 5);
    const history: FinishedTrial[] = points.map((point, number) => {
      const depth = bowl(point) < 0.2 ? 4 : bowl(point) < 0.5 ? 2 : 1;
      return { number, state: 'pruned', point, loss: 1, step: depth };
    });
    for (const seed of [1, 2, 3]) {
      const ranked = createGpSampler({ prunedTrials: 'ranked' }).suggest(
        context(space, 12, history, [], seed),
      )!;
      expectValidPoint(space, ranked);
      // Equal losses: only depth tells the trials apart, and the suggestion heads for the deep ones.
      expect(bowl(ranked)).toBeLessThan(0.2);
    }
  });

  it('models the loss over configuration and step from the stopped trials’ curves', () => {
    // Curves of one family: loss = bowl + 2/step. The trials stopped at rungs unrelated to their
    // quality (so depth says nothing), two completed mediocre ones: only the curves tell where
    // the bowl's minimum is.
    const curveLoss = (p: Point, step: number) => bowl(p) + 2 / step;
    const points = sobolPoints(3, 14, 7);
    const history: FinishedTrial[] = points.map((point, number) => {
      if (number === 3 || number === 9) {
        const curve = [1, 2, 4, 8, 16].map((step) => ({ step, loss: curveLoss(point, step) }));
        return { number, state: 'completed', point, loss: curveLoss(point, 16), step: 16, curve };
      }
      const last = [2, 4, 8][number % 3]!;
      const curve = [1, 2, 4, 8]
        .filter((step) => step <= last)
        .map((step) => ({ step, loss: curveLoss(point, step) }));
      return { number, state: 'pruned', point, loss: curveLoss(point, last), step: last, curve };
    });
    const bestTried = Math.min(...points.map(bowl));
    const gp = createGpSampler();
    expect(gp.readsCurves).toBe(true);
    for (const seed of [1, 2, 3]) {
      const p = gp.suggest(context(BOWL, 14, history, [], seed))!;
      expectValidPoint(BOWL, p);
      // Better than every configuration tried, completed or not.
      expect(bowl(p)).toBeLessThan(bestTried);
    }
    // Deterministic in the history, whatever the instance has cached.
    expect(createGpSampler().suggest(context(BOWL, 14, history, [], 2))).toEqual(
      gp.suggest(context(BOWL, 14, history, [], 2)),
    );
    // Without the curves' shape (ranked by depth), the same history says far less.
    expect(createGpSampler({ prunedTrials: 'ranked' }).readsCurves).toBe(false);
  });
});

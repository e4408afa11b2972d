/**
 * One conformance suite over every sampler (cf. Optuna's test_samplers.py): bounds and types,
 * determinism, distinct suggestions, empty history, pending trials, nesting, every distribution.
 */
import { describe, expect, it } from 'vitest';
import type { Point } from '../src/index.js';
import {
  buildSpace,
  context,
  DISCRETE_SPECS,
  expectValidParams,
  expectValidPoint,
  MIXED_SPECS,
  runSweep,
} from './sampler-harness.js';
import { samplersUnderTest } from './samplers-under-test.js';

const TRIALS = 24;

describe.each(samplersUnderTest)(
  '$name sampler (conformance)',
  ({ create, supportsContinuous }) => {
    // Continuous-capable samplers meet every distribution; the others the finite space.
    const specs = supportsContinuous ? MIXED_SPECS : DISCRETE_SPECS;
    const space = buildSpace(specs);

    it('suggests well-formed points whose params are in bounds and of the right type', () => {
      const history = runSweep(create(), space, TRIALS);
      expect(history).toHaveLength(TRIALS);
      for (const trial of history) {
        expectValidPoint(space, trial.point);
        expectValidParams(specs, space.decode(trial.point));
      }
    });

    it('handles the finite space too: categoricals, ints and quantized values', () => {
      const discrete = buildSpace(DISCRETE_SPECS);
      for (const trial of runSweep(create(), discrete, TRIALS)) {
        expectValidPoint(discrete, trial.point);
        expectValidParams(DISCRETE_SPECS, discrete.decode(trial.point));
      }
    });

    it('explores: every dimension takes more than one value over a sweep', () => {
      // A finite-only sampler (grid) may order its space: let it run to exhaustion.
      const history = runSweep(create(), space, supportsContinuous ? TRIALS : 10_000);
      space.dimensions.forEach((dim, i) => {
        const values = new Set(
          history.map((t) => (dim.kind === 'numeric' ? dim.decode(t.point[i]!) : t.point[i])),
        );
        expect(values.size, dim.name).toBeGreaterThan(1);
      });
    });

    it('gives the same suggestion for the same seed and history', () => {
      const history = runSweep(create(), space, 8);
      const pending: Point[] = [history[6]!.point];
      const a = create().suggest(context(space, 9, history.slice(0, 6), pending));
      const b = create().suggest(context(space, 9, history.slice(0, 6), pending));
      expect(a).not.toBeNull();
      expect(b).toEqual(a);
      // A cache on the instance must not change a result either.
      const sampler = create();
      const first = sampler.suggest(context(space, 9, history.slice(0, 6), pending));
      sampler.suggest(context(space, 10, history, []));
      expect(sampler.suggest(context(space, 9, history.slice(0, 6), pending))).toEqual(first);
    });

    it('gives different points to successive trials', () => {
      const history = runSweep(create(), space, TRIALS);
      const keys = new Set(history.map((t) => space.key(t.point)));
      expect(keys.size).toBe(history.length);
    });

    it('suggests a point with an empty history', () => {
      const point = create().suggest(context(space, 0));
      expect(point).not.toBeNull();
      expectValidPoint(space, point!);
      expectValidParams(specs, space.decode(point!));
    });

    it('does not pile onto pending or finished points', () => {
      // Trials 0..5 finished, 6..11 still running: trial 12 must differ from all of them.
      const sampler = create();
      const all = runSweep(sampler, space, 12);
      const history = all.slice(0, 6);
      const pending = all.slice(6).map((t) => t.point);
      const point = sampler.suggest(context(space, 12, history, pending));
      expect(point).not.toBeNull();
      const used = new Set(all.map((t) => space.key(t.point)));
      expect(used.has(space.key(point!))).toBe(false);
    });

    it('decodes nested parameters and constants into the trainer shape', () => {
      const point = create().suggest(context(space, 0))!;
      const params = space.decode(point);
      expect(typeof params.optimizer).toBe('object');
      expect(Object.keys(params.optimizer as object).length).toBeGreaterThan(1);
      expect(params.epochs ?? params.seed).toBeDefined();
    });

    it('suggests the empty point for a space of constants only', () => {
      const constants = buildSpace({ a: { distribution: 'constant', value: 1 } });
      expect(create().suggest(context(constants, 0))).toEqual([]);
    });
  },
);

describe('samplers that say they ignore the history', () => {
  const claimants = samplersUnderTest.filter(({ create }) => create().ignoresHistory);

  it('are random and sobol', () => {
    expect(claimants.map((s) => s.name)).toEqual(['random', 'sobol']);
  });

  it.each(claimants)('$name suggests the same with or without a history', ({ create }) => {
    const space = buildSpace(MIXED_SPECS);
    const history = runSweep(create(), space, 8);
    expect(create().suggest(context(space, 9, [], []))).toEqual(
      create().suggest(context(space, 9, history, [])),
    );
  });
});

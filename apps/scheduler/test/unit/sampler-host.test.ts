import { buildSpace, createRng, type FinishedTrial, type Point } from '@rung/search';
import { describe, expect, it } from 'vitest';
import { createSampler, SamplerHost } from '../../src/index.js';

const parameters = {
  x: { distribution: 'uniform', min: -5, max: 10 },
  y: { distribution: 'uniform', min: 0, max: 15 },
} as const;
const space = buildSpace(parameters as never);
const branin = ([u, v]: Point) => {
  const x = -5 + 15 * u!;
  const y = 15 * v!;
  return (
    (y - (5.1 / (4 * Math.PI ** 2)) * x * x + (5 / Math.PI) * x - 6) ** 2 +
    10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) +
    10
  );
};

describe('the sampler host', () => {
  it.each(['random', 'tpe', 'gp'])(
    '%s: a history fed in pieces, out of order, gives the same points as the whole history',
    (sampler) => {
      const host = new SamplerHost();
      const whole = createSampler(sampler);
      const history: FinishedTrial[] = [];
      const pending = new Map<number, Point>();
      let unsent: FinishedTrial[] = [];
      // Trials finish two steps after they start, the later one first: out of number order.
      for (let n = 0; n < 24; n++) {
        const ctx = {
          space,
          history: [...history].sort((a, b) => a.number - b.number),
          pending: [...pending.values()],
          rng: createRng(7, n),
          seed: 7,
          trialNumber: n,
        };
        const expected = whole.suggest(ctx);
        const got = host.suggest({
          sweepId: 'sw',
          ...(n === 0 ? { setup: { sampler, parameters: parameters as never } } : {}),
          reset: n === 0,
          finished: unsent,
          pending: [...pending.values()],
          seed: 7,
          trialNumber: n,
        });
        unsent = [];
        expect(got.point, `trial ${n}`).toEqual(expected);
        pending.set(n, got.point!);
        if (n % 2 === 1) {
          for (const done of [n, n - 1]) {
            const point = pending.get(done)!;
            pending.delete(done);
            const record: FinishedTrial = {
              number: done,
              state: 'completed',
              point,
              loss: branin(point),
            };
            history.push(record);
            unsent.push(record);
          }
        }
      }
      // Random search never reads the history, so the host keeps none for it.
      expect(host.historySize('sw')).toBe(sampler === 'random' ? 0 : 22);
    },
  );

  it('draws a random point from the same stream when the sampler fails, and says why', () => {
    const host = new SamplerHost();
    const result = host.suggest({
      sweepId: 'sw',
      setup: { sampler: 'grid', parameters: parameters as never },
      reset: true,
      finished: [],
      pending: [],
      seed: 1,
      trialNumber: 0,
    });
    expect(result.fallback).toMatch(/grid/);
    expect(result.point).toEqual(
      createSampler('random').suggest({
        space,
        history: [],
        pending: [],
        rng: createRng(1, 0),
        seed: 1,
        trialNumber: 0,
      }),
    );
  });

  it('refuses a first request without the sweep’s setup', () => {
    expect(() =>
      new SamplerHost().suggest({
        sweepId: 'x',
        reset: false,
        finished: [],
        pending: [],
        seed: 0,
        trialNumber: 0,
      }),
    ).toThrow(/without its setup/);
  });
});

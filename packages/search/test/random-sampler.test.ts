import { describe, expect, it } from 'vitest';
import { buildSpace, createRng } from '../src/index.js';
import { createRandomSampler } from '../src/samplers/random.js';
import { context } from './sampler-harness.js';

describe('random sampler', () => {
  const space = buildSpace({
    lr: { distribution: 'log_uniform_values', min: 1e-4, max: 1 },
    shift: { distribution: 'normal', mu: 2, sigma: 3 },
    opt: { distribution: 'categorical', values: ['a', 'b', 'c', 'd'] },
  });
  const sampler = createRandomSampler();
  const params = Array.from({ length: 4000 }, (_, n) =>
    space.decode(sampler.suggest(context(space, n))!),
  );

  it('samples a log-uniform prior: as many values per decade', () => {
    const decades = [0, 0, 0, 0];
    for (const p of params) decades[Math.floor(Math.log10(p.lr as number) + 4)]!++;
    for (const count of decades) expect(Math.abs(count - 1000)).toBeLessThan(120);
  });

  it('samples a normal prior with its mean and standard deviation', () => {
    const xs = params.map((p) => p.shift as number);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean - 2)).toBeLessThan(0.2);
    expect(Math.abs(sd - 3)).toBeLessThan(0.2);
  });

  it('picks categorical values uniformly', () => {
    const counts = new Map<unknown, number>();
    for (const p of params) counts.set(p.opt, (counts.get(p.opt) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(120);
  });
});

describe("random search with W&B's probabilities", () => {
  it('draws categorical values by their probabilities', () => {
    const space = buildSpace({
      opt: {
        distribution: 'categorical',
        values: ['adam', 'sgd', 'rmsprop'],
        probabilities: [0.7, 0.3, 0],
      },
    });
    const sampler = createRandomSampler();
    const counts = [0, 0, 0];
    for (let n = 0; n < 4000; n++) {
      const point = sampler.suggest({
        space,
        history: [],
        pending: [],
        rng: createRng(9, n),
        seed: 9,
        trialNumber: n,
      });
      counts[point![0]!]! += 1;
    }
    expect(counts[2]).toBe(0);
    // 0.7 of 4000 with a binomial sd of ~29: well within 5 sd.
    expect(Math.abs(counts[0]! - 2800)).toBeLessThan(150);
  });
});

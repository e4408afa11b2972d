import { describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/trainers/mlp/dataset.js';

describe('mlp data sets', () => {
  const opts = { name: 'tabular' as const, samples: 1000, validationFraction: 0.2, seed: 0 };

  it('generates the same rows for the same seed, others for another', () => {
    const a = makeDataset(opts);
    expect(makeDataset(opts)).toEqual(a);
    expect(makeDataset({ ...opts, seed: 1 }).trainX).not.toEqual(a.trainX);
  });

  it('splits train and validation, with every class on both sides', () => {
    const d = makeDataset(opts);
    expect(d.trainY.length).toBe(800);
    expect(d.valY.length).toBe(200);
    expect(d.trainX.length).toBe(800 * d.features);
    for (const ys of [d.trainY, d.valY]) {
      expect(new Set(ys)).toEqual(new Set([0, 1, 2, 3]));
    }
  });

  it('standardises features with the training rows', () => {
    const d = makeDataset({ ...opts, name: 'spirals' });
    expect(d.features).toBe(2);
    expect(d.classes).toBe(3);
    for (let f = 0; f < d.features; f++) {
      const col = d.trainX.filter((_, i) => i % d.features === f);
      const mean = col.reduce((s, v) => s + v, 0) / col.length;
      const variance = col.reduce((s, v) => s + (v - mean) ** 2, 0) / col.length;
      expect(mean).toBeCloseTo(0, 4);
      expect(variance).toBeCloseTo(1, 3);
    }
  });
});

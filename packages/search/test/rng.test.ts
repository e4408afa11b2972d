import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../src/index.js';

const draw = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.next());

function chiSquare(counts: number[], expected: number): number {
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

describe('createRng', () => {
  it('gives the same sequence for the same (seed, stream)', () => {
    expect(draw(createRng(42, 7), 50)).toEqual(draw(createRng(42, 7), 50));
    const a = createRng(3, 1);
    const b = createRng(3, 1);
    expect([a.normal(), a.int(10), a.normal()]).toEqual([b.normal(), b.int(10), b.normal()]);
  });

  it('gives distinct sequences for other seeds and streams', () => {
    const base = draw(createRng(42, 0), 8);
    expect(draw(createRng(42, 1), 8)).not.toEqual(base);
    expect(draw(createRng(43, 0), 8)).not.toEqual(base);
    expect(createRng(0, 0).next()).not.toBe(createRng(0, 1).next());
  });

  it('spreads the first draw of consecutive streams evenly (trial n uses stream n)', () => {
    const firsts = Array.from({ length: 4096 }, (_, i) => createRng(42, i).next());
    const counts = new Array<number>(16).fill(0);
    for (const u of firsts) counts[Math.floor(u * 16)]!++;
    // 15 degrees of freedom: P(chi² > 37.7) = 0.001.
    expect(chiSquare(counts, 256)).toBeLessThan(37.7);
    let lag = 0;
    for (let i = 0; i + 1 < firsts.length; i++) lag += (firsts[i]! - 0.5) * (firsts[i + 1]! - 0.5);
    expect(Math.abs((lag / (firsts.length - 1)) * 12)).toBeLessThan(0.1);
  });

  it('draws next() in [0, 1) with mean 1/2 and variance 1/12', () => {
    const xs = draw(createRng(1), 50_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 3);
  });

  it('draws int(n) uniformly over 0..n-1', () => {
    const rng = createRng(2);
    const counts = new Array<number>(10).fill(0);
    const ks = Array.from({ length: 20_000 }, () => rng.int(10));
    expect(ks.every((k) => Number.isInteger(k) && k >= 0 && k < 10)).toBe(true);
    for (const k of ks) counts[k]!++;
    // 9 degrees of freedom: P(chi² > 27.9) = 0.001.
    expect(chiSquare(counts, 2_000)).toBeLessThan(27.9);
  });

  it('draws normal() with mean 0 and variance 1', () => {
    const rng = createRng(3);
    const xs = Array.from({ length: 50_000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('forks deterministic, independent streams without replaying the parent', () => {
    const parent = createRng(9);
    const child = parent.fork(1);
    const again = createRng(9).fork(1);
    expect(draw(child, 5)).toEqual(draw(again, 5));
    expect(draw(createRng(9).fork(2), 5)).not.toEqual(draw(createRng(9).fork(1), 5));
    expect(draw(createRng(9).fork(1), 5)).not.toEqual(draw(createRng(9), 5));
  });
});

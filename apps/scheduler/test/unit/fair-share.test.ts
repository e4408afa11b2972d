import { createRng } from '@rung/search';
import { describe, expect, it } from 'vitest';
import { fairShares } from '../../src/index.js';

const shares = (requests: [string, number, number][], capacity: number) =>
  Object.fromEntries(
    fairShares(
      requests.map(([id, demand, weight]) => ({ id, demand, weight })),
      capacity,
    ),
  );

describe('fair shares of scarce slots', () => {
  it('gives every sweep its demand when the cluster has room (or its size is unknown)', () => {
    expect(
      shares(
        [
          ['a', 4, 4],
          ['b', 2, 2],
        ],
        16,
      ),
    ).toEqual({ a: 4, b: 2 });
    expect(
      shares(
        [
          ['a', 1000, 1000],
          ['b', 2, 2],
        ],
        Number.POSITIVE_INFINITY,
      ),
    ).toEqual({
      a: 1000,
      b: 2,
    });
  });

  it('keeps a runaway sweep from starving a small one', () => {
    expect(
      shares(
        [
          ['runaway', 1000, 1000],
          ['small', 2, 2],
        ],
        16,
      ),
    ).toEqual({
      runaway: 15,
      small: 1,
    });
    expect(
      shares(
        [
          ['small', 2, 2],
          ['runaway', 1000, 1000],
        ],
        16,
      ),
    ).toEqual({
      small: 1,
      runaway: 15,
    });
  });

  it('splits by weight, and hands what one sweep cannot use to the others', () => {
    expect(
      shares(
        [
          ['a', 8, 8],
          ['b', 8, 8],
        ],
        8,
      ),
    ).toEqual({ a: 4, b: 4 });
    expect(
      shares(
        [
          ['a', 30, 30],
          ['b', 10, 10],
        ],
        20,
      ),
    ).toEqual({ a: 15, b: 5 });
    // c wants little: its unused share goes to a and b in proportion.
    expect(
      shares(
        [
          ['a', 10, 10],
          ['b', 10, 10],
          ['c', 1, 10],
        ],
        12,
      ),
    ).toEqual({ a: 6, b: 5, c: 1 });
  });

  it('gives nothing to a sweep that wants nothing, and never more than there is', () => {
    expect(
      shares(
        [
          ['a', 0, 5],
          ['b', 5, 5],
        ],
        3,
      ),
    ).toEqual({ a: 0, b: 3 });
    expect(
      shares(
        [
          ['a', 5, 5],
          ['b', 5, 5],
          ['c', 5, 5],
        ],
        2,
      ),
    ).toEqual({ a: 1, b: 1, c: 0 });
  });

  it('holds its promises on any input: within demand and capacity, all slots used, one each', () => {
    for (let seed = 0; seed < 300; seed++) {
      const rng = createRng(seed, 0);
      const n = 1 + Math.floor(rng.next() * 8);
      const requests = Array.from({ length: n }, (_, i) => ({
        id: `s${i}`,
        demand: Math.floor(rng.next() * 40),
        weight: 1 + Math.floor(rng.next() * 40),
      }));
      const capacity = Math.floor(rng.next() * 100);
      const got = fairShares(requests, capacity);
      const total = requests.reduce((s, r) => s + r.demand, 0);
      const given = [...got.values()].reduce((s, v) => s + v, 0);
      expect(given).toBe(Math.min(total, capacity));
      const wanting = requests.filter((r) => r.demand > 0);
      for (const r of requests) {
        expect(got.get(r.id)).toBeLessThanOrEqual(r.demand);
        if (r.demand > 0 && capacity >= wanting.length)
          expect(got.get(r.id)).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('counts in slots: half-GPU trials fit two to a slot, 2-GPU trials take two', () => {
    const half = { id: 'half', demand: 8, weight: 8, size: 0.5 };
    expect(Object.fromEntries(fairShares([half], 4))).toEqual({ half: 8 });
    expect(Object.fromEntries(fairShares([half], 3))).toEqual({ half: 6 });
    const pair = { id: 'pair', demand: 4, weight: 4, size: 2 };
    expect(Object.fromEntries(fairShares([pair], 5))).toEqual({ pair: 2 });
    // Sharing 4 slots: one trial each first, then by weight, never more slots than there are.
    const one = { id: 'one', demand: 4, weight: 4 };
    const got = fairShares([pair, one, half], 4);
    expect(got.get('pair')! * 2 + got.get('one')! + got.get('half')! * 0.5).toBeLessThanOrEqual(4);
    expect([...got.values()].every((v) => v >= 1)).toBe(true);
  });

  it('never gives more slots than there are, whatever the trial sizes', () => {
    for (let seed = 0; seed < 300; seed++) {
      const rng = createRng(seed, 1);
      const sizes = [0.125, 0.25, 0.5, 1, 2, 4];
      const requests = Array.from({ length: 1 + Math.floor(rng.next() * 6) }, (_, i) => ({
        id: `s${i}`,
        demand: Math.floor(rng.next() * 20),
        weight: 1 + Math.floor(rng.next() * 20),
        size: sizes[Math.floor(rng.next() * sizes.length)]!,
      }));
      const capacity = Math.floor(rng.next() * 16);
      const got = fairShares(requests, capacity);
      const used = requests.reduce((sum, r) => sum + got.get(r.id)! * r.size, 0);
      expect(used).toBeLessThanOrEqual(capacity + 1e-9);
      for (const r of requests) expect(got.get(r.id)).toBeLessThanOrEqual(r.demand);
      // What is left is too small for any sweep that still wants a trial.
      for (const r of requests) {
        if (got.get(r.id)! < r.demand) expect(capacity - used).toBeLessThan(r.size);
      }
    }
  });
});

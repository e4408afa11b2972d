import { describe, expect, it } from 'vitest';
import { buildSpace, createRng } from '../src/index.js';
import {
  directionNumbers,
  JOE_KUO,
  SOBOL_MAX_DIMENSION,
} from '../src/samplers/sobol/direction-numbers.js';
import { createSobolSequence, sobolPoints } from '../src/samplers/sobol/sequence.js';
import { createSobolSampler } from '../src/samplers/sobol/sobol-sampler.js';
import { context } from './sampler-harness.js';

/** x^k mod p over GF(2) reaches 1 first at k = 2^s - 1 exactly when p is primitive. */
function isPrimitive(s: number, a: number): boolean {
  const p = (1 << s) | (a << 1) | 1;
  const period = (1 << s) - 1;
  let r = 1;
  for (let k = 1; k <= period; k++) {
    r <<= 1;
    if (r & (1 << s)) r ^= p;
    if (r === 1) return k === period;
  }
  return false;
}

/** Warnock's formula for the squared L2-star discrepancy of points in [0, 1)^d. */
function l2StarDiscrepancy(points: number[][]): number {
  const n = points.length;
  const d = points[0]!.length;
  let single = 0;
  for (const x of points) single += x.reduce((prod, v) => prod * (1 - v * v), 1);
  let pairs = 0;
  for (const x of points) {
    for (const y of points) pairs += x.reduce((prod, v, k) => prod * (1 - Math.max(v, y[k]!)), 1);
  }
  return 3 ** -d - (2 ** (1 - d) / n) * single + pairs / (n * n);
}

function randomPoints(dimension: number, count: number, seed: number): number[][] {
  const rng = createRng(seed, 0);
  return Array.from({ length: count }, () => Array.from({ length: dimension }, () => rng.next()));
}

describe('Joe–Kuo direction numbers', () => {
  it('carry at least 40 dimensions', () => {
    expect(SOBOL_MAX_DIMENSION).toBeGreaterThanOrEqual(40);
  });

  it('list the primitive polynomials in order of degree, then coefficients', () => {
    const expected: [number, number][] = [];
    for (let s = 1; expected.length < JOE_KUO.length; s++) {
      for (let a = 0; a < 2 ** (s - 1) && expected.length < JOE_KUO.length; a++) {
        if (isPrimitive(s, a)) expected.push([s, a]);
      }
    }
    expect(JOE_KUO.map((row) => [row.s, row.a])).toEqual(expected);
  });

  it('have s odd initial integers m_k < 2^k per row', () => {
    for (const { s, m } of JOE_KUO) {
      expect(m).toHaveLength(s);
      m.forEach((mk, k) => {
        expect(mk % 2).toBe(1);
        expect(mk).toBeLessThan(2 ** (k + 1));
      });
    }
  });

  it('refuse a dimension beyond the table', () => {
    expect(() => directionNumbers(SOBOL_MAX_DIMENSION)).toThrow(/beyond the 64 dimensions/);
  });
});

describe('Sobol sequence', () => {
  it('matches the reference points of the plain sequence (Joe–Kuo, SciPy)', () => {
    const plain = createSobolSequence(3, null);
    expect(Array.from({ length: 10 }, (_, i) => plain.point(i))).toEqual([
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
      [0.625, 0.125, 0.875],
      [0.125, 0.625, 0.375],
      [0.1875, 0.3125, 0.9375],
      [0.6875, 0.8125, 0.4375],
    ]);
  });

  it('matches SciPy in all 64 dimensions and all 32 bits', () => {
    // scipy.stats.qmc.Sobol(d=64, scramble=False, bits=32), fast-forwarded; values × 2^32.
    const reference: Record<number, number[]> = {
      777: [
        2973761536, 4022337536, 700448768, 1178599424, 2730491904, 1530920960, 817889280,
        3275751424, 1497366528, 1388314624, 3200253952, 2990538752, 1648361472, 2034237440,
        2445279232, 2210398208, 1732247552, 3711959040, 1589641216, 3233808384, 1019215872,
        1170210816, 4064280576, 2067791872, 1480589312, 624951296, 255852544, 3351248896, 272629760,
        473956352, 2327838720, 3862953984, 482344960, 12582912, 3460300800, 4064280576, 1983905792,
        1505755136, 1472200704, 1539309568, 3099590656, 1145044992, 4072669184, 1723858944,
        1379926016, 650117120, 1614807040, 138412032, 3334471680, 4089446400, 356515840, 155189248,
        2646605824, 3040870400, 2973761536, 3913285632, 1530920960, 2772434944, 3443523584,
        2369781760, 2202009600, 2101346304, 591396864, 1832910848,
      ],
      3000000001: [
        2156797399, 2353488425, 1806415863, 3428090197, 384687691, 4205072825, 1794970117,
        1348857399, 358531815, 302324287, 761115227, 2744170363, 3906817801, 509206005, 3520162403,
        3267287463, 2352774437, 855509407, 985010369, 3338567993, 4184869279, 3782877887,
        2014054431, 3611367667, 2064294011, 3053377109, 973390421, 3899706391, 868309927,
        2625387371, 2966862443, 1523638945, 982545645, 2054377707, 1048424941, 1621090019,
        1339874863, 1616758819, 565048587, 1947042775, 572362239, 1723965335, 71235997, 2218935739,
        908069623, 1180625355, 1239234015, 2271896099, 839359121, 1738673613, 1005735475,
        3300236785, 1191931521, 2180314867, 111873897, 2869130623, 1931009591, 3705973081,
        435564995, 1938191697, 3948788421, 2253507277, 875253609, 962529975,
      ],
    };
    const plain = createSobolSequence(64, null);
    for (const [index, expected] of Object.entries(reference)) {
      expect(plain.point(Number(index)).map((u) => u * 2 ** 32)).toEqual(expected);
    }
  });

  it('keeps the net property under the scramble: one point per cell of a 16 × 16 grid', () => {
    for (const seed of [0, 1, 12345]) {
      const cells = new Set(
        sobolPoints(2, 256, seed).map(([x, y]) => Math.floor(x! * 16) * 16 + Math.floor(y! * 16)),
      );
      expect(cells.size).toBe(256);
      // Random points of the same count leave about 256/e cells empty.
      const random = new Set(
        randomPoints(2, 256, seed).map(([x, y]) => Math.floor(x! * 16) * 16 + Math.floor(y! * 16)),
      );
      expect(random.size).toBeLessThan(200);
    }
  });

  it('stratifies every one of 40 coordinates: 64 points, one per 1/64 interval', () => {
    const points = sobolPoints(40, 64, 7);
    for (let d = 0; d < 40; d++) {
      expect(new Set(points.map((p) => Math.floor(p[d]! * 64))).size, `dimension ${d}`).toBe(64);
    }
  });

  it('has a lower L2-star discrepancy than random points', () => {
    for (const seed of [1, 2, 3]) {
      const sobol = l2StarDiscrepancy(sobolPoints(5, 128, seed));
      const random = l2StarDiscrepancy(randomPoints(5, 128, seed));
      expect(sobol).toBeLessThan(random / 2);
    }
  });

  it('is deterministic per seed, and the scramble differs between seeds', () => {
    const a = sobolPoints(4, 16, 99);
    expect(sobolPoints(4, 16, 99)).toEqual(a);
    const b = sobolPoints(4, 16, 100);
    for (let i = 0; i < 16; i++) expect(b[i]).not.toEqual(a[i]);
    // A scrambled sequence does not start at the origin.
    expect(a[0]!.every((u) => u === 0)).toBe(false);
  });

  it('scrambles with a matrix as well as a digital shift', () => {
    // A shift alone would leave point(i) XOR point(0) equal to the plain point(i).
    const plain = createSobolSequence(3, null);
    const scrambled = createSobolSequence(3, 11);
    const bits = (u: number) => u * 2 ** 32;
    const origin = scrambled.point(0).map(bits);
    let differs = false;
    for (let i = 1; i < 16; i++) {
      const xored = scrambled.point(i).map((u, d) => (bits(u) ^ origin[d]!) >>> 0);
      if (xored.some((x, d) => x !== bits(plain.point(i)[d]!))) differs = true;
    }
    expect(differs).toBe(true);
  });

  it('scrambles each dimension from (seed, dimension) alone: fewer dimensions are a projection', () => {
    const wide = sobolPoints(6, 32, 5);
    const narrow = sobolPoints(3, 32, 5);
    expect(wide.map((p) => p.slice(0, 3))).toEqual(narrow);
  });

  it('starts anywhere: sobolPoints(start) continues the same sequence', () => {
    expect(sobolPoints(3, 4, 8, 10)).toEqual(sobolPoints(3, 14, 8).slice(10));
  });

  it('rejects bad dimensions, counts and indices', () => {
    expect(() => sobolPoints(0, 1, 1)).toThrow(/dimension must be a positive integer/);
    expect(() => sobolPoints(65, 1, 1)).toThrow(/65 dimensions requested/);
    expect(() => sobolPoints(2, -1, 1)).toThrow(/count/);
    expect(() => createSobolSequence(2, 1).point(2 ** 32)).toThrow(/point index/);
  });
});

describe('Sobol sampler', () => {
  const space = buildSpace({
    lr: { distribution: 'log_uniform_values', min: 1e-4, max: 1 },
    opt: { distribution: 'categorical', values: ['adam', 'sgd', 'rmsprop'] },
    units: { distribution: 'int_uniform', min: 1, max: 8 },
  });

  it('gives trial n point n of the sweep-seeded sequence, whatever the rng and history', () => {
    const sampler = createSobolSampler();
    const expected = sobolPoints(3, 12, 42);
    for (const n of [11, 0, 5]) {
      const ctx = { ...context(space, n), rng: createRng(1234, 999) };
      const point = sampler.suggest(ctx)!;
      const u = expected[n]!;
      expect(point[0]).toBe(u[0]);
      expect(point[1]).toBe(Math.floor(u[1]! * 3));
      expect(point[2]).toBe(u[2]);
    }
  });

  it('balances categorical values exactly over a power of two of trials', () => {
    const binary = buildSpace({ flag: { distribution: 'categorical', values: [true, false] } });
    const sampler = createSobolSampler();
    const counts = [0, 0];
    for (let n = 0; n < 64; n++) counts[sampler.suggest(context(binary, n))![0]!]!++;
    expect(counts).toEqual([32, 32]);
  });

  it('changes with the sweep seed', () => {
    const a = createSobolSampler().suggest(context(space, 3, [], [], 1));
    const b = createSobolSampler().suggest(context(space, 3, [], [], 2));
    expect(a).not.toEqual(b);
  });

  it('refuses a space with more dimensions than the table', () => {
    const specs = Object.fromEntries(
      Array.from({ length: 65 }, (_, i) => [`p${i}`, { distribution: 'uniform', min: 0, max: 1 }]),
    );
    const wide = buildSpace(specs as Parameters<typeof buildSpace>[0]);
    expect(() => createSobolSampler().suggest(context(wide, 0))).toThrow(
      'sobol: the space has 65 dimensions; the embedded Joe–Kuo direction numbers cover 64',
    );
  });
});

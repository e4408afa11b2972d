/**
 * Scrambled Sobol sequences: Joe–Kuo direction numbers, a random linear matrix scramble
 * (Matoušek's LMS) and a digital shift, as in SciPy's `qmc.Sobol(scramble=True)`.
 *
 * The scramble is drawn per dimension from (seed, dimension) alone, so the first k coordinates of
 * a d-dimensional sequence are the k-dimensional sequence of the same seed: adding a parameter to a
 * space does not move the others. Both parts of the scramble are linear over GF(2) (plus a
 * constant), so every (t, m, s)-net property of the plain sequence survives it.
 */
import { createRng } from '../../random/rng.js';
import { directionNumbers, SOBOL_BITS, SOBOL_MAX_DIMENSION } from './direction-numbers.js';

/** A Sobol sequence of fixed dimension: point(i) is the i-th point, for any order of calls. */
export interface SobolSequence {
  readonly dimension: number;
  /** The point with this index (0-based, < 2^32), each coordinate in [0, 1). */
  point(index: number): number[];
}

/**
 * Salt that separates the scramble's random streams from the per-trial streams that the
 * scheduler derives from the same sweep seed (`createRng(seed, trialNumber)`).
 */
const SCRAMBLE_SALT = 0x50b0_15ca;
const TWO_POW_32 = 2 ** SOBOL_BITS;

/** Parity of the set bits of a 32-bit integer. */
function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/**
 * One dimension's direction numbers multiplied by a random non-singular lower-triangular binary
 * matrix L (unit diagonal), plus a random digital shift. Digit i of a coordinate is bit 31 - i, so
 * row i of L may mix in digits 0..i only: the most significant digits scramble the least ones,
 * never the reverse, which keeps the elementary intervals (and so the net) intact.
 */
function scrambledDimension(dimension: number, seed: number): { v: Uint32Array; shift: number } {
  const rng = createRng((seed ^ SCRAMBLE_SALT) >>> 0, dimension);
  const rows = new Uint32Array(SOBOL_BITS);
  for (let i = 0; i < SOBOL_BITS; i++) {
    // Random bits above digit i's position, digit i itself set, nothing below.
    const above = i === 0 ? 0 : rng.int(TWO_POW_32) & ~(2 ** (SOBOL_BITS - i) - 1);
    rows[i] = (above | (2 ** (SOBOL_BITS - 1 - i))) >>> 0;
  }
  const shift = rng.int(TWO_POW_32) >>> 0;
  const plain = directionNumbers(dimension);
  const v = new Uint32Array(SOBOL_BITS);
  for (let j = 0; j < SOBOL_BITS; j++) {
    let y = 0;
    for (let i = 0; i < SOBOL_BITS; i++) {
      if (parity(rows[i]! & plain[j]!)) y |= 2 ** (SOBOL_BITS - 1 - i);
    }
    v[j] = y >>> 0;
  }
  return { v, shift };
}

/**
 * A Sobol sequence in `dimension` dimensions, in Gray-code order (the order of SciPy and of Joe and
 * Kuo's own generator; every prefix of 2^m points is the same set as in natural order).
 * @param seed scramble seed; `null` gives the plain, unscrambled sequence (whose first point is
 *   the origin), for tests and reference values.
 */
export function createSobolSequence(dimension: number, seed: number | null): SobolSequence {
  if (!Number.isInteger(dimension) || dimension < 1) {
    throw new Error(`sobol: dimension must be a positive integer, got ${dimension}`);
  }
  if (dimension > SOBOL_MAX_DIMENSION) {
    throw new Error(
      `sobol: ${dimension} dimensions requested; the embedded Joe–Kuo direction numbers cover ${SOBOL_MAX_DIMENSION}`,
    );
  }
  const v: Uint32Array[] = [];
  const shifts: number[] = [];
  for (let d = 0; d < dimension; d++) {
    if (seed === null) {
      v.push(directionNumbers(d));
      shifts.push(0);
    } else {
      const s = scrambledDimension(d, seed);
      v.push(s.v);
      shifts.push(s.shift);
    }
  }
  return {
    dimension,
    point(index) {
      if (!Number.isInteger(index) || index < 0 || index >= TWO_POW_32) {
        throw new Error(`sobol: point index must be an integer in [0, 2^32), got ${index}`);
      }
      const gray = (index ^ (index >>> 1)) >>> 0;
      const out = new Array<number>(dimension);
      for (let d = 0; d < dimension; d++) {
        const dv = v[d]!;
        let x = shifts[d]!;
        for (let j = 0, g = gray; g !== 0; j++, g >>>= 1) if (g & 1) x ^= dv[j]!;
        out[d] = (x >>> 0) / TWO_POW_32;
      }
      return out;
    },
  };
}

/**
 * `count` points of the scrambled Sobol sequence of `seed`, starting at index `start`: a
 * space-filling design in [0, 1)^dimension, e.g. the initial or candidate points of a model-based
 * sampler. Powers of two as `count` (from `start` 0) give the best balance.
 */
export function sobolPoints(dimension: number, count: number, seed: number, start = 0): number[][] {
  if (!Number.isInteger(count) || count < 0) {
    throw new Error(`sobol: count must be a non-negative integer, got ${count}`);
  }
  const sequence = createSobolSequence(dimension, seed);
  return Array.from({ length: count }, (_, i) => sequence.point(start + i));
}

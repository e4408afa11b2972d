/**
 * How a search space looks to the GP: one feature per dimension, equal to the point's coordinate
 * (the unit coordinate u of a numeric dimension, already warped by its prior so log parameters
 * are in log scale; the value index of a categorical one), plus what the acquisition optimizer
 * may do with each feature:
 *
 * - continuous numeric features take gradient steps;
 * - quantized numeric features (int_uniform, q_*) with a grid too large to enumerate take
 *   gradient steps on their relaxation, are snapped to their cell's centre (decode, then encode,
 *   which is where the history's points of that value sit), and then try the neighbouring cells;
 * - categorical features and small grids are enumerated, one feature at a time.
 */
import type { Rng } from '../../random/rng.js';
import type { SearchSpace } from '../../space/search-space.js';

/** Grids up to this many values are enumerated rather than relaxed. */
export const MAX_ENUMERATED_GRID = 32;
/** Categoricals with more values than this are searched over a random subset of them per move. */
export const MAX_ENUMERATED_CATEGORIES = 128;

/** A space's features and the moves the acquisition optimizer may make on each. */
export interface Encoding {
  readonly d: number;
  /** 1 for categorical features (Hamming distance in the kernel). */
  readonly categorical: Uint8Array;
  /** 1 for features moved by gradient steps. */
  readonly continuous: Uint8Array;
  /** The coordinates an enumerated feature can take (categorical, small grids), else undefined. */
  readonly choices: readonly (Float64Array | undefined)[];
  /** The sorted cell coordinates of a relaxed grid feature, for ±1-cell moves, else undefined. */
  readonly grid: readonly (Float64Array | undefined)[];
  /** The number of distinct points when every feature is enumerated, else Infinity. */
  readonly cardinality: number;
  /** Moves quantized numeric features to the centre of their value's cell, in place. */
  snap(x: Float64Array): Float64Array;
  /** A uniformly random (snapped) point, written into x. */
  random(rng: Rng, x: Float64Array): Float64Array;
}

const encodings = new WeakMap<SearchSpace, Encoding>();

/** The encoding of a space, built once per space object (grids can hold 100 000 values). */
export function encodingOf(space: SearchSpace): Encoding {
  let e = encodings.get(space);
  if (!e) {
    e = buildEncoding(space);
    encodings.set(space, e);
  }
  return e;
}

function buildEncoding(space: SearchSpace): Encoding {
  const dims = space.dimensions;
  const d = dims.length;
  const categorical = new Uint8Array(d);
  const continuous = new Uint8Array(d);
  const choices: (Float64Array | undefined)[] = [];
  const grid: (Float64Array | undefined)[] = [];
  const quantized = new Uint8Array(d);
  let cardinality = 1;
  dims.forEach((dim, i) => {
    if (dim.kind === 'categorical') {
      categorical[i] = 1;
      choices.push(Float64Array.from(dim.values, (_, k) => k));
      grid.push(undefined);
      cardinality *= dim.values.length;
      return;
    }
    const q = dim.spec.distribution === 'int_uniform' || dim.spec.distribution.startsWith('q_');
    quantized[i] = q ? 1 : 0;
    const cells = dim.gridValues
      ? Float64Array.from(dim.gridValues, (v) => dim.encode(v))
      : undefined;
    if (cells && cells.length <= MAX_ENUMERATED_GRID) {
      choices.push(cells);
      grid.push(undefined);
      cardinality *= cells.length;
    } else {
      continuous[i] = 1;
      choices.push(undefined);
      grid.push(cells);
      cardinality = Number.POSITIVE_INFINITY;
    }
  });
  const snap = (x: Float64Array): Float64Array => {
    for (let i = 0; i < d; i++) {
      if (categorical[i]) continue;
      const u = Math.min(1, Math.max(0, x[i]!));
      const dim = dims[i]!;
      x[i] = quantized[i] && dim.kind === 'numeric' ? dim.encode(dim.decode(u)) : u;
    }
    return x;
  };
  const random = (rng: Rng, x: Float64Array): Float64Array => {
    for (let i = 0; i < d; i++) {
      const c = choices[i];
      x[i] = c ? c[rng.int(c.length)]! : rng.next();
    }
    return snap(x);
  };
  return { d, categorical, continuous, choices, grid, cardinality, snap, random };
}

/** Index of the grid cell whose coordinate is nearest to u (cells sorted ascending). */
export function nearestCell(cells: Float64Array, u: number): number {
  let lo = 0;
  let hi = cells.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cells[mid]! <= u) lo = mid;
    else hi = mid;
  }
  return Math.abs(cells[hi]! - u) < Math.abs(cells[lo]! - u) ? hi : lo;
}

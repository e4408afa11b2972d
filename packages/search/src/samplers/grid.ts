/**
 * Grid search with W&B semantics: every combination of every parameter's values, each tried once.
 */
import type { Dimension } from '../space/dimension.js';
import type { Point, SearchSpace } from '../space/search-space.js';
import type { Sampler } from './sampler.js';

/**
 * The enumeration of one space's grid. Combination i is written in mixed radix over the
 * dimensions, the first dimension as the most significant digit: the order of Python's
 * `itertools.product` over the parameters, which is W&B's.
 */
interface GridPlan {
  /** Exact up to 2^53; beyond, a float (or Infinity) — only the first 2^53 are ever enumerated. */
  readonly size: number;
  /** Per dimension: the point coordinate of each digit. */
  readonly coordinates: readonly (readonly number[])[];
  readonly strides: readonly number[];
  /** Per dimension: the digit of a point's coordinate, or undefined when it is off the grid. */
  readonly digitOf: readonly ((x: number) => number | undefined)[];
}

function continuousError(dim: Dimension): Error {
  const spec = dim.kind === 'numeric' ? dim.spec : undefined;
  const finite =
    spec !== undefined &&
    (spec.distribution === 'int_uniform' || (spec.distribution.startsWith('q_') && 'min' in spec));
  if (finite) {
    // Finite but larger than MAX_GRID_VALUES: the dimension refused to enumerate its values.
    return new Error(`${dim.name}: too many values for grid search; narrow the range or raise q`);
  }
  return new Error(
    `${dim.name}: grid search needs values, an int_uniform range or a q_* distribution`,
  );
}

function planDimension(dim: Dimension): {
  coordinates: number[];
  digitOf: (x: number) => number | undefined;
} {
  if (dim.kind === 'categorical') {
    // Equal values are one grid value (W&B hashes values): keep the first index of each.
    const firstIndex = new Map<string, number>();
    const coordinates: number[] = [];
    const digitOfIndex: number[] = [];
    dim.values.forEach((value, index) => {
      const key = JSON.stringify(value);
      let digit = firstIndex.get(key);
      if (digit === undefined) {
        digit = coordinates.length;
        firstIndex.set(key, digit);
        coordinates.push(index);
      }
      digitOfIndex.push(digit);
    });
    return { coordinates, digitOf: (x) => digitOfIndex[x] };
  }
  const values = dim.gridValues;
  if (values === undefined) throw continuousError(dim);
  const digitOfValue = new Map<number, number>();
  const coordinates = values.map((value, digit) => {
    const u = dim.encode(value);
    // The grid relies on decode(encode(v)) === v; fail loudly rather than skip or repeat a value.
    if (dim.decode(u) !== value) {
      throw new Error(`${dim.name}: grid value ${value} does not survive encode/decode`);
    }
    digitOfValue.set(value, digit);
    return u;
  });
  return { coordinates, digitOf: (x) => digitOfValue.get(dim.decode(x)) };
}

function buildPlan(space: SearchSpace): GridPlan {
  const dims = space.dimensions.map(planDimension);
  const strides = new Array<number>(dims.length);
  let size = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i] = size;
    size *= dims[i]!.coordinates.length;
  }
  // No bound on size: a grid of 20 parameters × 10 values with a run_cap runs its first run_cap
  // combinations. Strides past 2^53 are inexact but exceed every index walked (all below 2^53,
  // the run_cap limit), so those digits are 0 either way.
  return {
    size,
    coordinates: dims.map((d) => d.coordinates),
    strides,
    digitOf: dims.map((d) => d.digitOf),
  };
}

/** The combination number of a point, or undefined when a coordinate is off the grid. */
function indexOf(plan: GridPlan, point: Point): number | undefined {
  if (point.length !== plan.strides.length) {
    throw new Error(`point has ${point.length} coordinates, space has ${plan.strides.length}`);
  }
  let index = 0;
  for (let i = 0; i < point.length; i++) {
    const digit = plan.digitOf[i]!(point[i]!);
    if (digit === undefined) return undefined;
    index += digit * plan.strides[i]!;
  }
  return index;
}

function pointAt(plan: GridPlan, index: number): Point {
  return plan.strides.map((stride, i) => {
    const column = plan.coordinates[i]!;
    return column[Math.floor(index / stride) % column.length]!;
  });
}

/**
 * The number of distinct combinations in the grid of `space` (1 for a space of constants only):
 * exact up to 2^53, a float beyond (Infinity past 1.8e308). Throws, naming the parameter, when a
 * dimension has no finite list of values.
 */
export function gridSize(space: SearchSpace): number {
  return buildPlan(space).size;
}

/**
 * The grid sampler (`grid`), with W&B semantics.
 *
 * - The grid is the Cartesian product of each dimension's values: categorical values in the order
 *   written (equal values counted once), numeric `gridValues` ascending (int_uniform ranges,
 *   bounded q_* distributions). Continuous dimensions are an error, naming the parameter.
 * - Combinations are enumerated as Python's `itertools.product` over `space.dimensions` (sorted
 *   dotted names, nested parameters flattened): the first dimension varies slowest, the last
 *   fastest.
 * - `suggest` returns the first combination whose params (`space.key`) are in neither the history
 *   (completed, pruned and failed alike, as W&B counts every run) nor the pending trials, and
 *   `null` once every combination is used. The RNG is not used: the order is fixed.
 *
 * Cost: each point of history and pending is mapped to its combination number in O(dimensions),
 * and the walk from 0 stops at the first unused number, so a suggestion costs O(used points),
 * however large the grid.
 */
export function createGridSampler(): Sampler {
  // A space is immutable, so its plan can be kept for as long as the space lives.
  const plans = new WeakMap<SearchSpace, GridPlan>();
  return {
    name: 'grid',
    suggest(ctx) {
      let plan = plans.get(ctx.space);
      if (!plan) {
        plan = buildPlan(ctx.space);
        plans.set(ctx.space, plan);
      }
      const used = new Set<number>();
      const mark = (point: Point) => {
        const index = indexOf(plan, point);
        if (index !== undefined) used.add(index);
      };
      for (const trial of ctx.history) mark(trial.point);
      for (const point of ctx.pending) mark(point);
      for (let index = 0; index < plan.size; index++) {
        if (!used.has(index)) return pointAt(plan, index);
      }
      return null;
    },
  };
}

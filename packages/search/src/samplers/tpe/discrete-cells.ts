/**
 * Cells of discrete numeric dimensions (int_uniform and the q_* distributions) on the unit
 * coordinate. Optuna's TPE gives a discrete value the kernel mass over [v - q/2, v + q/2]; on the
 * unit coordinate the same idea is the interval of u that decodes to v, whatever the prior.
 */
import type { NumericDimension } from '../../space/dimension.js';

/** The interval of unit coordinates that decode to one value, and its canonical coordinate. */
export interface Cell {
  readonly lo: number;
  readonly hi: number;
  /** Where TPE puts the value: the space's own encoding of it (the centre of its cell). */
  readonly centre: number;
}

/** Maps any unit coordinate of a discrete dimension to its cell. */
export interface Discretizer {
  cellOf(u: number): Cell;
}

/** True for dimensions whose values are quantized (integers or multiples of q). */
export function isDiscrete(dim: NumericDimension): boolean {
  return dim.spec.distribution === 'int_uniform' || dim.spec.distribution.startsWith('q_');
}

// Cells found by bisection are remembered per value; past this many the memo starts afresh
// (it only saves time, so forgetting is harmless).
const MEMO_LIMIT = 4096;

/** The discretizer of a dimension, or undefined when the dimension is continuous. */
export function discretizerFor(dim: NumericDimension): Discretizer | undefined {
  if (!isDiscrete(dim)) return undefined;
  const spec = dim.spec;
  if (spec.distribution === 'int_uniform') {
    // decode(u) = min + floor(u n): cells are the n equal slices of [0, 1].
    const n = spec.max - spec.min + 1;
    return {
      cellOf(u) {
        const k = Math.min(n - 1, Math.max(0, Math.floor(u * n)));
        return { lo: k / n, hi: (k + 1) / n, centre: (k + 0.5) / n };
      },
    };
  }
  const memo = new Map<number, Cell>();
  return {
    cellOf(u) {
      const value = dim.decode(u);
      let cell = memo.get(value);
      if (cell === undefined) {
        cell = findCell(dim, value);
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(value, cell);
      }
      return cell;
    },
  };
}

/**
 * Bisection on the monotone map u → decode(u) for the ends of the cell of `value`. Generic over
 * priors (linear, log, normal) because the space exposes decode, not the prior's CDF. The brackets
 * never depend on the coordinate that asked, so a memoized cell is the cell any caller would get.
 */
function findCell(dim: NumericDimension, value: number): Cell {
  const lo = dim.decode(0) >= value ? 0 : firstAtLeast(dim, (v) => v >= value);
  const hi = dim.decode(1) <= value ? 1 : firstAtLeast(dim, (v) => v > value);
  const encoded = dim.encode(value);
  const centre = encoded >= lo && encoded <= hi ? encoded : 0.5 * (lo + hi);
  return { lo, hi, centre };
}

/** The smallest u (to double precision) with pass(decode(u)), given !pass(decode(0)), pass(decode(1)). */
function firstAtLeast(dim: NumericDimension, pass: (v: number) => boolean): number {
  let fail = 0;
  let ok = 1;
  for (let i = 0; i < 80; i++) {
    const mid = 0.5 * (fail + ok);
    if (mid <= fail || mid >= ok) break;
    if (pass(dim.decode(mid))) ok = mid;
    else fail = mid;
  }
  return ok;
}

/** Summary statistics over seeds and suggestion timings. */

/**
 * The q-quantile with linear interpolation between order statistics (numpy's default, which the
 * Optuna baseline used), so our medians over an even number of seeds match its convention.
 * @returns NaN for an empty sample
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  // Interpolating between two infinities (a seed that never completed a trial) would give NaN.
  return lo === hi || a === b ? a : a + (b - a) * (pos - lo);
}

/** The median (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The arithmetic mean; NaN for an empty sample. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** A number as JSON can hold it: non-finite values become null. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Percentiles of latency samples. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** A number rounded for a table. */
export function round(x: number, digits = 2): number {
  return Number(x.toFixed(digits));
}

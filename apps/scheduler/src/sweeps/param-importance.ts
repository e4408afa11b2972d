/**
 * Parameter importance: how much of the spread of a sweep's results each parameter explains on
 * its own — a first-order functional ANOVA estimated by binning, the main effects that fANOVA
 * (Optuna's default) reports, without its random forest. For each parameter the trials are put in
 * bins (one per category; up to 10 quantile bins of a number), and the parameter's share is the
 * variance of the bin means over the total variance, corrected for what noise alone puts between
 * bins (ε², so a parameter with no effect scores about 0 however many bins it has). Computed on
 * the ranks of the values, so a few diverged trials do not decide it. Pure.
 */

export interface ImportanceInput {
  /** One column per parameter: the trials' values (numbers, or category labels). */
  readonly columns: Readonly<Record<string, readonly (number | string | null)[]>>;
  /** The trials' results, in the same order as the columns. */
  readonly values: readonly number[];
}

export interface ParamImportance {
  name: string;
  /** Share of the importances (they sum to 1 when any is above 0). */
  importance: number;
  /** The variance of the ranks this parameter explains on its own (ε², 0..1). */
  explained: number;
}

const MAX_BINS = 10;

/** Ranks 0..n−1 (ties share their mean rank). */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2;
    i = j + 1;
  }
  return out;
}

/** The bin of each trial for one column; -1 where the trial has no value. */
function binsOf(column: readonly (number | string | null)[]): { bin: number[]; count: number } {
  const numeric = column.every((v) => v === null || typeof v === 'number');
  if (!numeric) {
    const labels = new Map<string, number>();
    const bin = column.map((v) => {
      if (v === null) return -1;
      const key = String(v);
      if (!labels.has(key)) labels.set(key, labels.size);
      return labels.get(key)!;
    });
    return { bin, count: labels.size };
  }
  const present = (column as (number | null)[]).filter((v): v is number => v !== null);
  const distinct = [...new Set(present)].sort((a, b) => a - b);
  if (distinct.length <= MAX_BINS) {
    const index = new Map(distinct.map((v, i) => [v, i]));
    return {
      bin: column.map((v) => (v === null ? -1 : index.get(v as number)!)),
      count: distinct.length,
    };
  }
  // Quantile edges: equal-count bins, whatever the scale (log or not).
  const sorted = [...present].sort((a, b) => a - b);
  const edges = Array.from(
    { length: MAX_BINS - 1 },
    (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / MAX_BINS)]!,
  );
  const bin = column.map((v) => {
    if (v === null) return -1;
    let b = 0;
    while (b < edges.length && (v as number) >= edges[b]!) b++;
    return b;
  });
  return { bin, count: MAX_BINS };
}

export function paramImportance(input: ImportanceInput): ParamImportance[] {
  const n = input.values.length;
  const names = Object.keys(input.columns);
  if (n < 3) return names.map((name) => ({ name, importance: 0, explained: 0 }));
  const y = ranks(input.values);
  const mean = y.reduce((s, v) => s + v, 0) / n;
  const total = y.reduce((s, v) => s + (v - mean) ** 2, 0);
  const explained = names.map((name) => {
    const { bin, count } = binsOf(input.columns[name]!);
    const sum = new Array<number>(count).fill(0);
    const size = new Array<number>(count).fill(0);
    bin.forEach((b, i) => {
      if (b < 0) return;
      sum[b]! += y[i]!;
      size[b]!++;
    });
    const used = size.filter((s) => s > 0).length;
    const m = size.reduce((s, c) => s + c, 0);
    if (used < 2 || total === 0 || m <= used) return 0;
    const between = sum.reduce(
      (s, t, b) => (size[b]! > 0 ? s + size[b]! * (t / size[b]! - mean) ** 2 : s),
      0,
    );
    const within = total - between;
    const epsilon2 = (between - (used - 1) * (within / (m - used))) / total;
    return Math.max(0, Math.min(1, epsilon2));
  });
  const sum = explained.reduce((s, e) => s + e, 0);
  return names
    .map((name, i) => ({
      name,
      explained: explained[i]!,
      importance: sum > 0 ? explained[i]! / sum : 0,
    }))
    .sort((a, b) => b.importance - a.importance || a.name.localeCompare(b.name));
}

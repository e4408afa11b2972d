/**
 * The trial table of a sweep page: rows from the overview's columns, sorted by any column and cut
 * into pages. Pure.
 */
import type { SweepOverview } from '@rung/shared';

export type SortKey = 'rank' | 'number' | 'state' | 'value' | 'lastStep' | `param:${string}`;

export interface TableRow {
  /** Index into the overview's columns. */
  index: number;
  number: number;
  /** 1 = best completed trial; undefined for the others. */
  rank?: number;
}

/** Completed trials ranked best first by the metric and goal (ties by number). */
export function ranks(o: SweepOverview): Map<number, number> {
  const sign = o.sweep.spec.metric.goal === 'maximize' ? -1 : 1;
  const done = o.trials.number
    .map((_n, i) => i)
    .filter((i) => o.trials.state[i] === 'completed' && o.trials.value[i] !== null)
    .sort(
      (a, b) =>
        sign * (o.trials.value[a]! - o.trials.value[b]!) ||
        o.trials.number[a]! - o.trials.number[b]!,
    );
  return new Map(done.map((i, r) => [i, r + 1]));
}

function keyOf(o: SweepOverview, row: TableRow, key: SortKey): number | string | null {
  if (key === 'rank') return row.rank ?? null;
  if (key === 'number') return row.number;
  if (key === 'state') return o.trials.state[row.index]!;
  if (key === 'value') return o.trials.value[row.index] ?? null;
  if (key === 'lastStep') return o.trials.lastStep[row.index] ?? null;
  return o.trials.params[key.slice('param:'.length)]?.[row.index] ?? null;
}

/** Rows sorted by `key` (empty values last whatever the direction). */
export function sortRows(o: SweepOverview, key: SortKey, direction: 'asc' | 'desc'): TableRow[] {
  const rank = ranks(o);
  const rows: TableRow[] = o.trials.number.map((number, index) => {
    const r = rank.get(index);
    return r === undefined ? { index, number } : { index, number, rank: r };
  });
  const dir = direction === 'asc' ? 1 : -1;
  // Each row's key read once, not once per comparison (10,000 rows: ~140,000 comparisons).
  const keys = rows.map((r) => keyOf(o, r, key));
  return rows.sort((a, b) => {
    const ka = keys[a.index]!;
    const kb = keys[b.index]!;
    if (ka === null || kb === null) return ka === kb ? a.number - b.number : ka === null ? 1 : -1;
    const c =
      typeof ka === 'number' && typeof kb === 'number'
        ? ka - kb
        : String(ka).localeCompare(String(kb));
    return dir * c || a.number - b.number;
  });
}

export function page<T>(rows: readonly T[], index: number, size: number): T[] {
  return rows.slice(index * size, (index + 1) * size);
}

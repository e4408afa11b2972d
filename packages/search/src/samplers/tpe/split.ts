/**
 * How TPE ranks finished trials before splitting them into the 'below' (good) and 'above' groups,
 * as Optuna's TPE does: completed trials by loss first; then pruned trials, those that got further
 * first (by the last step reached, descending), then by their last value; pruned trials that
 * reported nothing last. Failed trials are not observations at all.
 */
import type { FinishedTrial } from '../sampler.js';

/** A trial's place in the ranking: compare `step` first, then `loss`, then `number`. */
export interface RankKey {
  /** -Infinity for completed trials, -(last step) for pruned ones, +Infinity when unknown. */
  readonly step: number;
  /** The loss; NaN or missing ranks as +Infinity (worst in its class). */
  readonly loss: number;
  /** The trial number: ties go to the older trial, so the ranking is a total order. */
  readonly number: number;
}

/** The rank key of a finished trial, or undefined for a trial TPE ignores (failed). */
export function rankKeyOf(record: FinishedTrial): RankKey | undefined {
  const loss = record.loss === undefined || Number.isNaN(record.loss) ? Infinity : record.loss;
  switch (record.state) {
    case 'completed':
      return { step: -Infinity, loss, number: record.number };
    case 'pruned':
      // Optuna scores a pruned trial without intermediate values (inf, 0): after every other.
      return record.step === undefined || Number.isNaN(record.step)
        ? { step: Infinity, loss: 0, number: record.number }
        : { step: -record.step, loss, number: record.number };
    default:
      return undefined;
  }
}

/** Total order on rank keys: best first. */
export function compareRankKeys(a: RankKey, b: RankKey): number {
  if (a.step !== b.step) return a.step < b.step ? -1 : 1;
  if (a.loss !== b.loss) return a.loss < b.loss ? -1 : 1;
  return a.number - b.number;
}

/**
 * Splits `items` (in chronological order) into the best `nBelow` by rank and the rest, each group
 * keeping chronological order (the kernels' weights depend on it).
 */
export function splitByRank<T extends { readonly rank: RankKey }>(
  items: readonly T[],
  nBelow: number,
): { below: T[]; above: T[] } {
  const ranked = items.map((item, index) => ({ item, index }));
  ranked.sort((a, b) => compareRankKeys(a.item.rank, b.item.rank) || a.index - b.index);
  const isBelow = new Uint8Array(items.length);
  for (let i = 0; i < Math.min(nBelow, ranked.length); i++) isBelow[ranked[i]!.index] = 1;
  const below: T[] = [];
  const above: T[] = [];
  items.forEach((item, i) => {
    (isBelow[i] ? below : above).push(item);
  });
  return { below, above };
}

/**
 * TPE's per-instance memory of the history: model coordinates of every usable trial, the trials
 * sorted by rank, and per numeric dimension the trials sorted by coordinate. A suggestion then
 * costs a linear pass over these arrays instead of re-reading, re-encoding and re-sorting the
 * whole history (what makes Optuna's ask take 71 ms at 1,000 trials).
 *
 * The history normally grows by trials finishing: new records appear, old ones stay as they were.
 * Such a history is merged in (new records inserted where they belong, so trials finishing out
 * of order are fine); any other change (a record edited or gone, numbers out of order, another
 * space) rebuilds everything. Every order is a total order on (key, trial number), so the arrays
 * are the same whichever way they were reached: the cache cannot change a suggestion.
 */
import type { SearchSpace } from '../../space/search-space.js';
import type { FinishedState, FinishedTrial } from '../sampler.js';
import { type ModelSpace, modelSpaceOf } from './model-space.js';
import { compareRankKeys, type RankKey, rankKeyOf } from './split.js';

/** A finished trial that TPE learns from. */
export interface Observation {
  readonly number: number;
  /** Model coordinates (see {@link ModelSpace.coordsOf}). */
  readonly coords: Float64Array;
  readonly rank: RankKey;
  /** Scratch for the current suggestion: in the 'below' group? */
  below: boolean;
  /** Scratch for the current suggestion: index of its kernel within its group. */
  kernel: number;
}

/** What a record looked like when it was read, to notice if it changes later. */
interface Snapshot {
  readonly number: number;
  readonly state: FinishedState;
  readonly loss: number | undefined;
  readonly step: number | undefined;
  readonly point: readonly number[];
  readonly observation: Observation | undefined;
}

// Past this many new observations in one call, re-sorting beats inserting one at a time.
const BULK_INSERT = 32;

/** The cached, sorted view of a history; call {@link ObservationCache.sync} before each use. */
export class ObservationCache {
  private model: ModelSpace | undefined;
  private readonly modelBySpace = new WeakMap<SearchSpace, ModelSpace>();
  private seen: Snapshot[] = [];
  /** Usable trials in history (trial-number) order. */
  observations: Observation[] = [];
  /** The same, best rank first. */
  byRank: Observation[] = [];
  /** Per dimension: the observations by coordinate (empty for categorical dimensions). */
  byCoordinate: Observation[][] = [];

  /** The model space of the last synced history. */
  get space(): ModelSpace {
    if (!this.model) throw new Error('ObservationCache.sync has not been called');
    return this.model;
  }

  /** Brings the cache up to `history` (finished trials in trial-number order). */
  sync(space: SearchSpace, history: readonly FinishedTrial[]): void {
    let model = this.modelBySpace.get(space);
    if (!model) {
      // A space object seen for the first time may still equal the cached one (same specs):
      // then keep the cache, and its memoized cells.
      const built = modelSpaceOf(space);
      model = this.model?.key === built.key ? this.model : built;
      this.modelBySpace.set(space, model);
    }
    if (model !== this.model) {
      this.model = model;
      this.rebuild(history);
      return;
    }
    if (!this.merge(history)) this.rebuild(history);
  }

  /** Merges a history that extends the cached one; false when it does not. */
  private merge(history: readonly FinishedTrial[]): boolean {
    const old = this.seen;
    if (old.length === history.length && history.every((r, i) => sameRecord(old[i]!, r))) {
      return true;
    }
    const seen: Snapshot[] = [];
    const fresh: Observation[] = [];
    let k = 0;
    let previous = -Infinity;
    for (const record of history) {
      if (!(record.number > previous)) return false;
      previous = record.number;
      const cached = old[k];
      if (cached !== undefined && cached.number === record.number) {
        if (!sameRecord(cached, record)) return false;
        seen.push(cached);
        k++;
      } else if (cached === undefined || record.number < cached.number) {
        const snapshot = this.read(record);
        if (snapshot.observation) fresh.push(snapshot.observation);
        seen.push(snapshot);
      } else {
        return false; // a cached record is missing
      }
    }
    if (k !== old.length) return false;
    this.seen = seen;
    this.observations = observationsOf(seen);
    if (fresh.length > BULK_INSERT) this.sortAll();
    else {
      for (const obs of fresh) {
        insertSorted(this.byRank, obs, byRank);
        this.byCoordinate.forEach((list, j) => {
          if (this.space.dims[j]!.kind !== 'categorical') insertSorted(list, obs, byCoordinate(j));
        });
      }
    }
    return true;
  }

  private rebuild(history: readonly FinishedTrial[]): void {
    this.seen = history.map((r) => this.read(r));
    this.observations = observationsOf(this.seen);
    this.sortAll();
  }

  private sortAll(): void {
    // Array.prototype.sort is stable, so equal keys (duplicate trial numbers, which a valid
    // history never has) keep history order and the result is still a function of the history.
    this.byRank = [...this.observations].sort(byRank);
    this.byCoordinate = this.space.dims.map((dim, j) =>
      dim.kind === 'categorical' ? [] : [...this.observations].sort(byCoordinate(j)),
    );
  }

  private read(record: FinishedTrial): Snapshot {
    const rank = rankKeyOf(record);
    const coords = rank ? this.space.coordsOf(record.point) : undefined;
    return {
      number: record.number,
      state: record.state,
      loss: record.loss,
      step: record.step,
      point: [...record.point],
      observation:
        rank && coords
          ? { number: record.number, coords, rank, below: false, kernel: 0 }
          : undefined,
    };
  }
}

function observationsOf(seen: readonly Snapshot[]): Observation[] {
  const out: Observation[] = [];
  for (const s of seen) if (s.observation) out.push(s.observation);
  return out;
}

function sameRecord(s: Snapshot, r: FinishedTrial): boolean {
  if (
    s.number !== r.number ||
    s.state !== r.state ||
    !Object.is(s.loss, r.loss) ||
    !Object.is(s.step, r.step) ||
    s.point.length !== r.point.length
  ) {
    return false;
  }
  for (let i = 0; i < s.point.length; i++) if (!Object.is(s.point[i], r.point[i])) return false;
  return true;
}

function byRank(a: Observation, b: Observation): number {
  return compareRankKeys(a.rank, b.rank);
}

function byCoordinate(j: number): (a: Observation, b: Observation) => number {
  return (a, b) => a.coords[j]! - b.coords[j]! || a.number - b.number;
}

/** Inserts after every element that does not sort after `item` (binary search, then splice). */
function insertSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid]!, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
}

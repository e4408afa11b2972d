/**
 * The one seam between workers and every early-stopping rule (cf. Optuna's BasePruner).
 *
 * A rule decides in two pure steps, so that a report costs one store round trip however many
 * trials a sweep has: `query` says what the rule needs to know of its peers at the step just
 * reported (a few quantiles and a rank, never the peers themselves), the store answers it in the
 * same atomic call that records the report, and `decide` rules on the answer.
 */

/** One intermediate result, oriented so that lower is better. */
export interface StepValue {
  readonly step: number;
  readonly loss: number;
}

/** What a rule knows before asking its peers: this trial's own curve. */
export interface PruneContext {
  /** The trial's number in its sweep (rules with brackets assign one by number). */
  readonly trial: number;
  /** The step just reported (1-based epochs for the built-in trainers; any increasing integer). */
  readonly step: number;
  /** This trial's reports so far, in step order, the latest last. */
  readonly reports: readonly StepValue[];
}

/**
 * What a rule asks of its peers' losses. The peers are the losses completed trials reported at the
 * step, or, with `rung`, the values recorded at a rung by every trial that reached it (successive
 * halving), whatever became of those trials since.
 */
export interface PeerQuery {
  /** Quantiles in [0, 1] of the peers' losses, each computed as numpy's linear interpolation. */
  readonly quantiles: readonly number[];
  /** A loss whose rank the rule reports: how many peers are strictly better (lower). */
  readonly rankOf?: number;
  /** Values at ranks given by the population's size (a successive-halving cutoff). */
  readonly ranks?: readonly RankQuery[];
  /** Ask about this rung's record instead; `record` is this trial's value there, stored first. */
  readonly rung?: { readonly name: string; readonly record?: number };
}

/** The 1-based rank `max(1, ⌊count · fraction⌋ + offset)`, at most `count`. */
export interface RankQuery {
  readonly fraction: number;
  readonly offset: number;
}

/** The rank a {@link RankQuery} names among `count` values (0 when there are none). */
export function rankFor(count: number, query: RankQuery): number {
  if (count === 0) return 0;
  return Math.min(count, Math.max(1, Math.floor(count * query.fraction + 1e-9) + query.offset));
}

/** The answer to a {@link PeerQuery}. Peers never hold NaN (a NaN loss is not a peer). */
export interface PeerSummary {
  /** How many peers reported a loss at the step. */
  readonly count: number;
  /** The losses at the asked quantiles, in the asked order; NaN when there is no peer. */
  readonly quantiles: readonly number[];
  /** How many peers are strictly better than `rankOf`; 0 when no rank was asked. */
  readonly better: number;
  /** The losses at the asked ranks, in the asked order; NaN when there is no peer. */
  readonly atRanks?: readonly number[];
}

export interface PruneInput extends PruneContext {
  readonly peers: PeerSummary;
  /** How many trials of the sweep have completed (run to the end). */
  readonly completedTrials: number;
}

/** Why a trial was pruned or paused: enough to explain the decision to a user. */
export interface PruneReason {
  readonly rule: string;
  readonly step: number;
  /** The rung (its step) the trial was judged at, for rules with rungs. */
  readonly rung?: number;
  /** The trial's bracket, for rules with several (Hyperband). */
  readonly bracket?: number;
  /** The trial's value compared with the cutoff (loss-oriented). */
  readonly value: number;
  /** The value the trial had to beat (loss-oriented). */
  readonly cutoff: number;
  /** How many peer values the cutoff was computed from. */
  readonly population: number;
  /** 1-based rank of `value` among peers ∪ {value}, lower is better. */
  readonly rank: number;
  /** Why, in words, for the CLI and logs. */
  readonly detail?: string;
}

/**
 * What becomes of a trial after a report: it goes on, it is stopped for good (`prune`), or it
 * waits at a rung for a slot to promote it (`pause`, successive halving with promotion).
 */
export type PruneDecision =
  | { readonly action: 'continue' }
  | { readonly action: 'prune' | 'pause'; readonly reason: PruneReason };

export const CONTINUE: PruneDecision = Object.freeze({ action: 'continue' });

/** The query of a rule that judges the trial's own curve only (threshold, patience). */
export const OWN_CURVE: PeerQuery = Object.freeze({ quantiles: [] });

export interface Pruner {
  readonly name: string;
  /** What to read of the peers at this step, or `null` when the rule does not judge this step. */
  query(context: PruneContext): PeerQuery | null;
  /** The decision, given the answer to this step's {@link Pruner.query}. */
  decide(input: PruneInput): PruneDecision;
  /** Present when the rule pauses trials: picks which paused trial a freed slot resumes. */
  readonly promoter?: Promoter;
}

/** A paused trial a freed slot should resume, and why. */
export interface Promotion {
  readonly number: number;
  readonly reason: PruneReason;
}

/**
 * Where the best paused trial of one rung stands there: what {@link Promoter.choose} needs, read
 * from the rung's record in O(log n) whatever the sweep's size.
 */
export interface RungStanding {
  /** The rung's name in the store (`bracket:step`). */
  readonly name: string;
  /** Trials that recorded a value at the rung. */
  readonly count: number;
  /** The rung's best paused trial, its value there, and how many members are strictly better. */
  readonly best: { readonly number: number; readonly value: number; readonly better: number };
}

/** The promotion half of successive halving (ASHA's get_job): pure over the rungs' standings. */
export interface Promoter {
  /** The rungs a trial may pause at. */
  readonly rungs: readonly string[];
  /** The rank a promoted trial must reach among a rung's `count` members. */
  topOf(count: number, draining: boolean): number;
  /**
   * The paused trial to resume, or undefined when none may be promoted now: the best paused
   * trial of the highest rung that has entered the rung's top. The best paused trial of a rung is
   * the only one that can, so one standing a rung is enough.
   * @param draining the sweep will start no new trial: a rung with fewer than η members still
   *   promotes its best, so that a finite sweep always trains something to the end
   */
  choose(standings: readonly RungStanding[], draining: boolean): Promotion | undefined;
}

/**
 * numpy's `np.percentile(x, 100 q)` (linear interpolation) of ascending, non-NaN values, from the
 * two values that bracket rank `q (n − 1)`. The store computes the same from a sorted set.
 */
export function interpolateQuantile(lo: number, hi: number, fraction: number): number {
  if (fraction === 0 || lo === hi) return lo;
  const diff = hi - lo;
  // numpy's lerp: for t >= 0.5 it is computed from the upper end, which keeps exact values.
  if (!Number.isFinite(diff)) return lo * (1 - fraction) + hi * fraction;
  return fraction >= 0.5 ? hi - diff * (1 - fraction) : lo + diff * fraction;
}

/** The two ranks that bracket quantile `q` among `count` sorted values, and the fraction between. */
export function quantileRanks(
  count: number,
  q: number,
): { lo: number; hi: number; fraction: number } {
  const position = q * (count - 1);
  const lo = Math.floor(position);
  return { lo, hi: Math.ceil(position), fraction: position - lo };
}

/** Answers a {@link PeerQuery} from the peers' losses (NaN ignored): the in-memory store and tests. */
export function summarizePeers(losses: readonly number[], query: PeerQuery): PeerSummary {
  const sorted = losses.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const count = sorted.length;
  const quantiles = query.quantiles.map((q) => {
    if (count === 0) return Number.NaN;
    const { lo, hi, fraction } = quantileRanks(count, q);
    return interpolateQuantile(sorted[lo]!, sorted[hi]!, fraction);
  });
  let better = 0;
  if (query.rankOf !== undefined) for (const v of sorted) if (v < query.rankOf) better++;
  if (!query.ranks) return { count, quantiles, better };
  const atRanks = query.ranks.map((r) =>
    count === 0 ? Number.NaN : sorted[rankFor(count, r) - 1]!,
  );
  return { count, quantiles, better, atRanks };
}

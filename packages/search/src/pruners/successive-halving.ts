/**
 * Successive halving, asynchronous (ASHA, Li et al., MLSys 2020), and Hyperband over ASHA brackets.
 *
 * A trial is judged at rungs: steps `minSteps · η^k` of its bracket. On its first report at or
 * after a rung it records its loss there (the store keeps each rung's record, one sorted set) and
 * is ranked among every trial that reached the rung, whatever became of them since. Two forms:
 *
 * - `stop` (Ray's ASHA, Optuna's SuccessiveHalvingPruner): a trial outside the top
 *   `max(1, ⌊n/η⌋)` of its rung is pruned.
 * - `promote` (the paper's form): a trial in the top `⌊n/η⌋` goes on (it is promoted at once);
 *   any other pauses at the rung, and a freed slot later resumes the best paused trial that has
 *   entered the top `⌊n/η⌋` of its rung as the rung filled ({@link Promoter}), from its checkpoint,
 *   before a new trial is sampled. No worker ever waits for a rung to fill. Once the sweep starts
 *   no new trial, a rung with fewer than η members still promotes its best (as Optuna's form
 *   does throughout), or a finite sweep could end with nothing trained to the end.
 *
 * Hyperband: with `brackets` > 1 each trial gets a bracket b (first rung `minSteps · η^b`), drawn
 * from the trial number and the sweep seed with the probabilities of synchronous Hyperband's
 * bracket sizes (as Syne Tune does), so some trials are judged late or not at all.
 */
import { createRng } from '../random/rng.js';
import {
  CONTINUE,
  type PeerQuery,
  type Promoter,
  type PruneContext,
  type PruneDecision,
  type PruneInput,
  type PruneReason,
  type Pruner,
  type StepValue,
} from './pruner.js';

export interface SuccessiveHalvingOptions {
  /** The first rung: trials are first compared at this step (Ray `grace_period`). */
  readonly minSteps: number;
  /** Reduction factor η: one trial in η goes on at each rung. @defaultValue 3 */
  readonly eta?: number;
  /** The trials' last step, when known: no rung at or past it. @defaultValue unbounded */
  readonly maxSteps?: number;
  /** Hyperband brackets; 1 is plain ASHA. @defaultValue 1 */
  readonly brackets?: number;
  /** `promote` (pause and resume from checkpoints) or `stop`. @defaultValue 'promote' */
  readonly mode?: 'promote' | 'stop';
  /** The sweep's seed, from which brackets are drawn. @defaultValue 0 */
  readonly seed?: number;
  /**
   * What a rung ranks: the trial's `value` there, or its value `extrapolated` to the next rung
   * along its own recent slope in log(step) (see {@link extrapolatedScore}). @defaultValue 'value'
   */
  readonly rankBy?: 'value' | 'extrapolated';
}

/** More rungs than any real sweep reaches (η ≥ 1.1 from step 1 passes 10^40 before this). */
const MAX_RUNGS = 1000;

/** The rungs of each bracket: ascending steps, each bracket starting η times later. */
export function rungSteps(options: SuccessiveHalvingOptions): number[][] {
  const { minSteps, eta = 3, maxSteps = Number.POSITIVE_INFINITY, brackets = 1 } = options;
  const out: number[][] = [];
  for (let b = 0; b < brackets; b++) {
    const steps: number[] = [];
    for (let k = b; steps.length < MAX_RUNGS; k++) {
      const step = Math.round(minSteps * eta ** k);
      if (step >= maxSteps || !Number.isSafeInteger(step)) break;
      if (steps.at(-1) !== step) steps.push(step);
    }
    out.push(steps);
  }
  return out;
}

/** A rung's name in the store's rung data: bracket and step. */
export function rungName(bracket: number, step: number): string {
  return `${bracket}:${step}`;
}

/**
 * The highest rung crossed by the report at `step` (the previous report was below it), or
 * undefined: a report that jumps over rungs is judged at the highest one it passed.
 */
export function crossedRung(
  rungs: readonly number[],
  step: number,
  reports: readonly StepValue[],
): number | undefined {
  let previous = Number.NEGATIVE_INFINITY;
  for (const r of reports) if (r.step < step && r.step > previous) previous = r.step;
  let crossed: number | undefined;
  for (const rung of rungs) if (rung > previous && rung <= step) crossed = rung;
  return crossed;
}

/**
 * Draws a trial's bracket: bracket b with probability ∝ η^(s−b) / (s−b+1), s = brackets − 1,
 * the share of configurations synchronous Hyperband gives it.
 */
export function bracketOf(trial: number, seed: number, brackets: number, eta: number): number {
  if (brackets <= 1) return 0;
  const s = brackets - 1;
  const weights = Array.from({ length: brackets }, (_, b) => eta ** (s - b) / (s - b + 1));
  const total = weights.reduce((a, w) => a + w, 0);
  // Its own stream, so the draw is independent of the sampler's for the same trial.
  let u = createRng((seed ^ 0x48424e44) >>> 0, trial).next() * total;
  for (let b = 0; b < brackets; b++) {
    u -= weights[b]!;
    if (u < 0) return b;
  }
  return s;
}

function validate(options: SuccessiveHalvingOptions): void {
  const { minSteps, eta = 3, maxSteps, brackets = 1, mode = 'promote' } = options;
  if (!Number.isSafeInteger(minSteps) || minSteps < 1) {
    throw new Error(`successive halving: minSteps must be an integer >= 1, got ${minSteps}`);
  }
  if (!(eta > 1)) throw new Error(`successive halving: eta must be > 1, got ${eta}`);
  if (maxSteps !== undefined && !(maxSteps > minSteps)) {
    throw new Error(`successive halving: maxSteps must be > minSteps, got ${maxSteps}`);
  }
  if (!Number.isSafeInteger(brackets) || brackets < 1) {
    throw new Error(`successive halving: brackets must be an integer >= 1, got ${brackets}`);
  }
  if (mode !== 'promote' && mode !== 'stop') {
    throw new Error(`successive halving: mode must be promote or stop, got ${String(mode)}`);
  }
}

/**
 * The trial's loss at `rung` carried on to `next` along the straight line, in log(step), through
 * its loss at the rung and its last report at or before half the rung: `y + (y − y₀) · ln(next /
 * rung) / ln(rung / s₀)`. Curves that cross do so because slow starters are still falling fast
 * when fast starters have flattened out; ranking where each curve is heading one rung on, rather
 * than where it is, keeps slow starters that will overtake (on shared/bench's lc-mlp the final
 * best's median rank at step 4 goes from 14 to 3 of 100). A trial with no earlier report ranks by
 * its value. The score is what the rung records and the reason shows as the trial's value.
 */
export function extrapolatedScore(
  reports: readonly StepValue[],
  rung: number,
  next: number,
): number {
  const at = reports.at(-1)!;
  let earlier: StepValue | undefined;
  for (const r of reports) if (r.step <= at.step / 2 && !Number.isNaN(r.loss)) earlier = r;
  if (!earlier || Number.isNaN(at.loss) || next <= rung) return at.loss;
  const slope = (at.loss - earlier.loss) / Math.log(at.step / earlier.step);
  return at.loss + slope * Math.log(next / rung);
}

/** The store cannot rank NaN: a diverged trial records the worst possible value. */
export const recordable = (loss: number) => (Number.isNaN(loss) ? Number.POSITIVE_INFINITY : loss);

export function createSuccessiveHalvingPruner(options: SuccessiveHalvingOptions): Pruner {
  validate(options);
  const { eta = 3, brackets = 1, mode = 'promote', seed = 0, rankBy = 'value' } = options;
  const rule = brackets > 1 ? 'hyperband' : 'asha';
  const rungs = rungSteps(options);

  const judged = ({ trial, step, reports }: PruneContext) => {
    const bracket = bracketOf(trial, seed, brackets, eta);
    const rung = crossedRung(rungs[bracket]!, step, reports);
    return rung === undefined ? undefined : { bracket, rung };
  };
  /** What the trial is ranked by at its rung. */
  const scoreOf = (at: { bracket: number; rung: number }, reports: readonly StepValue[]) => {
    if (rankBy === 'value') return recordable(reports.at(-1)!.loss);
    const steps = rungs[at.bracket]!;
    const next = steps[steps.indexOf(at.rung) + 1] ?? options.maxSteps ?? at.rung * eta;
    return recordable(extrapolatedScore(reports, at.rung, next));
  };

  const reasonOf = (
    at: { bracket: number; rung: number },
    step: number,
    value: number,
    cutoff: number,
    population: number,
    rank: number,
    detail: string,
  ): PruneReason => ({
    rule,
    step,
    rung: at.rung,
    ...(brackets > 1 && { bracket: at.bracket }),
    value,
    cutoff,
    population,
    rank,
    detail,
  });

  /** How many of a rung's `count` go on; `keepBest`: at least one. */
  const topOf = (count: number, keepBest: boolean) =>
    Math.max(keepBest ? 1 : 0, Math.floor(count / eta));
  const promoter: Promoter = {
    rungs: rungs.flatMap((steps, b) => steps.map((s) => rungName(b, s))),
    topOf,
    choose(standings, draining) {
      // Highest rung first: the trial closest to the end is promoted before any other.
      const ordered = standings
        .map((s) => ({ ...s, ...parseRungName(s.name) }))
        .sort((a, b) => b.rung - a.rung || a.bracket - b.bracket);
      for (const s of ordered) {
        const top = topOf(s.count, draining);
        const rank = s.best.better + 1;
        if (rank > top) continue;
        const detail = `promoted: rank ${rank} of ${s.count} at rung ${s.rung}, the top ${top} go on`;
        return {
          number: s.best.number,
          reason: reasonOf(s, s.rung, s.best.value, Number.NaN, s.count, rank, detail),
        };
      }
      return undefined;
    },
  };

  return {
    name: rule,
    query(context: PruneContext): PeerQuery | null {
      const at = judged(context);
      if (!at) return null;
      const value = scoreOf(at, context.reports);
      return {
        quantiles: [],
        rankOf: value,
        ranks: [{ fraction: 1 / eta, offset: 0 }],
        rung: { name: rungName(at.bracket, at.rung), record: value },
      };
    },
    decide(input: PruneInput): PruneDecision {
      const at = judged(input);
      if (!at) return CONTINUE;
      const value = scoreOf(at, input.reports);
      const { count, better } = input.peers;
      const rank = better + 1;
      // Stopping keeps at least the best (Optuna's form); promotion waits for η arrivals.
      const top = topOf(count, mode === 'stop');
      if (rank <= top) return CONTINUE;
      const cutoff = input.peers.atRanks?.[0] ?? Number.NaN;
      if (mode === 'stop') {
        const detail = `rank ${rank} of ${count} at rung ${at.rung}: only the top ${top} go on`;
        return {
          action: 'prune',
          reason: reasonOf(at, input.step, value, cutoff, count, rank, detail),
        };
      }
      const detail = `paused at rung ${at.rung}: rank ${rank} of ${count}, the top ${top} go on; resumed if it enters them`;
      return {
        action: 'pause',
        reason: reasonOf(at, input.step, value, cutoff, count, rank, detail),
      };
    },
    ...(mode === 'promote' && { promoter }),
  };
}

/** A rung's bracket and step, from its name. */
export function parseRungName(name: string): { bracket: number; rung: number } {
  const [bracket, rung] = name.split(':').map(Number) as [number, number];
  return { bracket, rung };
}

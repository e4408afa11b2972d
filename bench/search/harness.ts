/**
 * The core of the search benchmark: run a sampler against an objective for a number of seeds,
 * simulating the scheduler (sequential, or P asynchronous workers), and summarize regret,
 * duplicate suggestions and suggestion latency the way the Optuna baseline does.
 *
 * No I/O here: the command lines (`run.ts`, `suite.ts`) load objectives, print and write files.
 * The clock is a parameter so tests can drive the latency bookkeeping.
 */
import {
  buildSpace,
  createRng,
  type FinishedTrial,
  type Point,
  type Sampler,
  type SearchSpace,
} from '@rung/search';
import type { Objective } from './objective.js';
import { finiteOrNull, mean, median, quantile } from './stats.js';

/** Finished-trial counts at which the latency of the next suggestion is reported. */
export const LATENCY_CHECKPOINTS: readonly number[] = [100, 200, 500, 1000];

/** Regret below this counts as this, so one exact hit does not send the mean log10 to −∞. */
export const REGRET_FLOOR = 1e-12;

export interface BenchmarkOptions {
  /** Trials per seed. */
  readonly trials: number;
  /** Seeds 0..seeds−1, one independent run (and a fresh sampler) each. */
  readonly seeds: number;
  /**
   * Trials in flight at once. With P > 1 the oldest in-flight trial finishes first and each
   * suggestion sees the other in-flight points as `pending`, like P asynchronous workers.
   * @defaultValue 1
   */
  readonly parallel?: number;
  /** The name recorded in the result. @defaultValue the first sampler instance's `name` */
  readonly samplerName?: string;
  /** Milliseconds, for timing `suggest`. @defaultValue performance.now */
  readonly clock?: () => number;
  /** Called after each seed's run, for progress reports. */
  readonly onSeedDone?: (seedsDone: number, seeds: number) => void;
}

/** Suggestion latency in milliseconds. */
export interface SuggestTimings {
  /** Median over every `suggest` call of every seed. */
  readonly p50: number;
  /** 95th percentile over every `suggest` call of every seed. */
  readonly p95: number;
  /**
   * By finished-trial count (100, 200, 500, 1000): the time of the suggestion made with that many
   * trials finished, median over seeds. Only counts that the run reaches appear, so a run of N
   * trials reports counts up to N − P (run 1001 trials to see the 1000 figure).
   */
  readonly atTrial: Readonly<Record<string, number>>;
}

/**
 * One benchmark's figures. This is the JSON the command line writes with `--out`.
 *
 * When the objective has no `optimum`, `optimum` is null, `medianRegretAt` holds the median best
 * value found (in the objective's own orientation) instead of regret, and `meanLog10RegretFinal`
 * is null.
 */
export interface BenchmarkResult {
  readonly objective: string;
  readonly sampler: string;
  readonly trials: number;
  readonly seeds: number;
  readonly parallel: number;
  readonly optimum: number | null;
  /**
   * Median over seeds of the simple regret (best so far − optimum; optimum − best when
   * maximizing) after 10, 25, N/2 and N finished trials (those ≤ N). Null where no seed had a
   * completed trial by then.
   */
  readonly medianRegretAt: Readonly<Record<string, number | null>>;
  /** Mean over seeds of log10(max(final regret, 1e-12)). */
  readonly meanLog10RegretFinal: number | null;
  /** Suggestions equal (by `space.key`) to an earlier suggestion of the same seed, over all seeds. */
  readonly duplicateSuggestions: number;
  readonly suggestMs: SuggestTimings;
}

/** What one seed's run leaves behind, before summarizing over seeds. */
export interface SeedRun {
  /**
   * Best loss (objective oriented lower-is-better) after k finished trials, at index k − 1, for
   * k = 1..trials; +Infinity until a trial completes. Padded with the last value if the sampler
   * ran out of points (returned null) early.
   */
  readonly bestLossAfter: readonly number[];
  /** Duration of each `suggest` call, in call order. */
  readonly suggestMs: readonly number[];
  /** Finished trials when each `suggest` call was made. */
  readonly doneAtSuggest: readonly number[];
  /** Suggestions whose key equals an earlier suggestion's in this run. */
  readonly duplicates: number;
}

/** The trial counts at which regret is reported: 10, 25, N/2 and N, where they fit in N. */
export function regretCheckpoints(trials: number): number[] {
  const counts = [10, 25, Math.floor(trials / 2), trials].filter((k) => k >= 1 && k <= trials);
  return [...new Set(counts)].sort((a, b) => a - b);
}

/**
 * Runs `samplerFactory()` against `objective` for seeds 0..seeds−1 and summarizes the runs.
 * Deterministic apart from `suggestMs`: the same sampler, objective and options give the same
 * regret and duplicate figures.
 */
export function runBenchmark(
  objective: Objective,
  samplerFactory: () => Sampler,
  options: BenchmarkOptions,
): BenchmarkResult {
  const { trials, seeds, parallel = 1 } = options;
  for (const [name, value] of [
    ['trials', trials],
    ['seeds', seeds],
    ['parallel', parallel],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
  }
  const clock = options.clock ?? (() => performance.now());

  let samplerName = options.samplerName;
  const runs: SeedRun[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    // A fresh space and sampler per seed: no cache or state may leak from one run to the next.
    const space = buildSpace(objective.parameters);
    const sampler = samplerFactory();
    samplerName ??= sampler.name;
    runs.push(runSeed(objective, space, sampler, seed, { trials, parallel, clock }));
    options.onSeedDone?.(seed + 1, seeds);
  }
  return summarize(objective, samplerName ?? 'unknown', runs, { trials, seeds, parallel });
}

/**
 * One seed's run: keeps `parallel` trials in flight, finishes the oldest first, and hands the
 * sampler the finished trials (in trial-number order, which FIFO finishing preserves) and the
 * in-flight points, exactly as the scheduler would.
 */
export function runSeed(
  objective: Objective,
  space: SearchSpace,
  sampler: Sampler,
  seed: number,
  options: { trials: number; parallel: number; clock: () => number },
): SeedRun {
  const { trials, parallel, clock } = options;
  const sign = objective.goal === 'maximize' ? -1 : 1;
  const history: FinishedTrial[] = [];
  const inFlight: { number: number; point: Point }[] = [];
  const seen = new Set<string>();
  const bestLossAfter: number[] = [];
  const suggestMs: number[] = [];
  const doneAtSuggest: number[] = [];
  let duplicates = 0;
  let bestLoss = Number.POSITIVE_INFINITY;
  let nextNumber = 0;
  let exhausted = false;

  for (;;) {
    while (!exhausted && nextNumber < trials && inFlight.length < parallel) {
      const trialNumber = nextNumber;
      // Fresh arrays per call, as the scheduler builds them from Redis: a sampler must not rely
      // on seeing the same array grow.
      const ctx = {
        space,
        history: history.slice(),
        pending: inFlight.map((t) => t.point),
        rng: createRng(seed, trialNumber),
        seed,
        trialNumber,
      };
      const start = clock();
      const point = sampler.suggest(ctx);
      suggestMs.push(clock() - start);
      doneAtSuggest.push(history.length);
      if (point === null) {
        exhausted = true;
        break;
      }
      checkPoint(space, point, () => `${sampler.name}, seed ${seed}, trial ${trialNumber}`);
      const key = space.key(point);
      if (seen.has(key)) duplicates++;
      else seen.add(key);
      inFlight.push({ number: trialNumber, point });
      nextNumber++;
    }

    const trial = inFlight.shift();
    if (trial === undefined) break;
    let value: number;
    try {
      value = objective.evaluate(space.decode(trial.point));
    } catch (cause) {
      throw new Error(`${objective.name}: evaluate threw at seed ${seed}, trial ${trial.number}`, {
        cause,
      });
    }
    if (Number.isFinite(value)) {
      const loss = sign * value;
      history.push({ number: trial.number, state: 'completed', point: trial.point, loss });
      if (loss < bestLoss) bestLoss = loss;
    } else {
      history.push({ number: trial.number, state: 'failed', point: trial.point });
    }
    bestLossAfter.push(bestLoss);
  }

  while (bestLossAfter.length < trials) bestLossAfter.push(bestLoss);
  return { bestLossAfter, suggestMs, doneAtSuggest, duplicates };
}

/** A sampler bug (a point outside the space) should fail loudly, not be clamped by `decode`. */
function checkPoint(space: SearchSpace, point: Point, where: () => string): void {
  if (point.length !== space.dimensions.length) {
    throw new Error(
      `${where()}: point has ${point.length} coordinates, space has ${space.dimensions.length}`,
    );
  }
  space.dimensions.forEach((dim, i) => {
    const x = point[i]!;
    const ok =
      dim.kind === 'numeric'
        ? Number.isFinite(x) && x >= 0 && x <= 1
        : Number.isInteger(x) && x >= 0 && x < dim.values.length;
    if (!ok) throw new Error(`${where()}: ${dim.name} coordinate ${x} is outside the space`);
  });
}

function summarize(
  objective: Objective,
  sampler: string,
  runs: readonly SeedRun[],
  shape: { trials: number; seeds: number; parallel: number },
): BenchmarkResult {
  const { trials } = shape;
  const sign = objective.goal === 'maximize' ? -1 : 1;
  const optimum = objective.optimum ?? null;
  // Regret when the optimum is known, else the best value itself, in the objective's orientation.
  const figure = (bestLoss: number) =>
    optimum === null ? sign * bestLoss : bestLoss - sign * optimum;

  const medianRegretAt: Record<string, number | null> = {};
  for (const k of regretCheckpoints(trials)) {
    medianRegretAt[String(k)] = finiteOrNull(
      median(runs.map((r) => figure(r.bestLossAfter[k - 1]!))),
    );
  }
  const meanLog10RegretFinal =
    optimum === null
      ? null
      : finiteOrNull(
          mean(
            runs.map((r) =>
              Math.log10(Math.max(figure(r.bestLossAfter[trials - 1]!), REGRET_FLOOR)),
            ),
          ),
        );

  const allMs = runs.flatMap((r) => r.suggestMs);
  const atTrial: Record<string, number> = {};
  for (const count of LATENCY_CHECKPOINTS) {
    const times = runs.flatMap((r) => {
      const i = r.doneAtSuggest.indexOf(count);
      return i < 0 ? [] : [r.suggestMs[i]!];
    });
    if (times.length > 0) atTrial[String(count)] = median(times);
  }

  return {
    objective: objective.name,
    sampler,
    ...shape,
    optimum,
    medianRegretAt,
    meanLog10RegretFinal,
    duplicateSuggestions: runs.reduce((sum, r) => sum + r.duplicates, 0),
    suggestMs: { p50: quantile(allMs, 0.5), p95: quantile(allMs, 0.95), atTrial },
  };
}

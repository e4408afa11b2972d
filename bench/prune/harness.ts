/**
 * The core of the pruning benchmark: per seed, one sweep of `trials` configurations run to its end
 * by the simulator (the real scheduler, samplers, early-stopping rules and in-memory store, on a
 * simulated clock with `workers` simulated workers; see apps/scheduler/src/simulator). With one
 * worker this is the protocol of shared/bench's Optuna 3.1 pruner run. Then, over seeds:
 *
 * - compute: steps run / (trials × maxSteps) — a promoted trial's earlier steps are not run again;
 * - regret: best final value among trials that ran to maxSteps − best final value among every
 *   sampled configuration had all run to maxSteps (oriented so that lower is better);
 * - best final: that best final value itself (comparable across samplers);
 * - hours to within 1%: simulated hours until the best fully-trained value is within 1% of the
 *   value the sweep ends with (how fast a sweep gets where it is going; compare W workers with 1).
 *
 * No I/O here: `run.ts` loads the objective, prints and writes files.
 */
import { type LearningCurveObjective, type SimulationResult, simulateSweep } from '@rung/scheduler';
import { finiteOrNull, mean, median } from '../search/stats.js';

export type { LearningCurveObjective };

export interface PruneBenchOptions {
  /** The sweep's method (random, tpe, gp, bayes, sobol, …). */
  readonly sampler: string;
  /** The sweep's `pruner` as a sweep file writes it (an object, or a list of rules). */
  readonly pruner: unknown;
  /** Configurations per sweep (its run_cap). @defaultValue 100 */
  readonly trials?: number;
  /** Simulated workers. @defaultValue 1 */
  readonly workers?: number;
  /** Seeds 0..seeds−1, each the sweep's seed and the curve's noise seed. @defaultValue 20 */
  readonly seeds?: number;
  /** Called after each seed's run, for progress reports. */
  readonly onSeedDone?: (seedsDone: number, seeds: number) => void;
}

/** One seed's run, with what the summary is computed from. */
export interface PruneSeedRun extends SimulationResult {
  readonly seed: number;
  /** bestFinal − oracleBest, oriented (lower is better); null if nothing ran to the end. */
  readonly regret: number | null;
  /** Simulated hours until within 1% of the final best; null if nothing ran to the end. */
  readonly hoursToWithin1pct: number | null;
}

/** One objective × sampler × pruner's figures over seeds: the JSON `run.ts` writes. */
export interface PruneBenchResult {
  readonly objective: string;
  readonly sampler: string;
  readonly pruner: unknown;
  readonly trials: number;
  readonly workers: number;
  readonly seeds: number;
  /** Median over seeds of steps run / (trials × maxSteps). */
  readonly compute: number;
  /** Median and mean over seeds of the regret (null when some seed trained nothing to the end). */
  readonly medianRegret: number | null;
  readonly meanRegret: number | null;
  readonly medianBestFinal: number | null;
  /** Median over seeds of the simulated hours to within 1% of the final best. */
  readonly simulatedHoursToWithin1pct: number | null;
  /** Median over seeds of simulated hours until the sweep ended. */
  readonly simulatedHours: number;
  /** Mean over seeds of trials pruned, and of promotions (paused trials resumed). */
  readonly prunedMean: number;
  readonly promotionsMean: number;
}

/** Runs seeds 0..seeds−1 of one setting. */
export async function runPruneBenchmark(
  objective: LearningCurveObjective,
  options: PruneBenchOptions,
): Promise<PruneBenchResult & { readonly runs: readonly PruneSeedRun[] }> {
  const { trials = 100, workers = 1, seeds = 20 } = options;
  for (const [name, value] of [
    ['trials', trials],
    ['workers', workers],
    ['seeds', seeds],
    ['maxSteps', objective.maxSteps],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
  }
  const runs: PruneSeedRun[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const run = await simulateSweep({
      objective,
      method: options.sampler,
      pruner: options.pruner,
      trials,
      workers,
      seed,
    });
    runs.push(summarizeRun(run, seed, objective.goal));
    options.onSeedDone?.(seed + 1, seeds);
  }
  const nullable = (values: (number | null)[], f: (v: number[]) => number) =>
    values.some((v) => v === null) ? null : finiteOrNull(f(values as number[]));
  return {
    objective: objective.name,
    sampler: options.sampler,
    pruner: options.pruner,
    trials,
    workers,
    seeds,
    compute: median(runs.map((r) => r.steps / (trials * objective.maxSteps))),
    medianRegret: nullable(
      runs.map((r) => r.regret),
      median,
    ),
    meanRegret: nullable(
      runs.map((r) => r.regret),
      mean,
    ),
    medianBestFinal: nullable(
      runs.map((r) => r.bestFinal ?? null),
      median,
    ),
    simulatedHoursToWithin1pct: nullable(
      runs.map((r) => r.hoursToWithin1pct),
      median,
    ),
    simulatedHours: median(runs.map((r) => r.seconds / 3600)),
    prunedMean: mean(runs.map((r) => r.pruned)),
    promotionsMean: mean(runs.map((r) => r.promotions)),
    runs,
  };
}

function summarizeRun(run: SimulationResult, seed: number, goal: 'minimize' | 'maximize') {
  const { bestFinal } = run;
  if (bestFinal === undefined) return { ...run, seed, regret: null, hoursToWithin1pct: null };
  const regret = goal === 'minimize' ? bestFinal - run.oracleBest : run.oracleBest - bestFinal;
  const within = run.bestSoFar.find(
    (b) => Math.abs(b.value - bestFinal) <= 0.01 * Math.abs(bestFinal),
  );
  return { ...run, seed, regret, hoursToWithin1pct: (within?.seconds ?? run.seconds) / 3600 };
}

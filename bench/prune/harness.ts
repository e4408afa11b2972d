/**
 * The core of the pruning benchmark: the protocol of shared/bench's Optuna 3.1 pruner run on a
 * learning-curve objective. Per seed, `trials` trials run one at a time; each reports its loss at
 * every step 1..maxSteps and asks the pruner after each report, with the losses that *completed*
 * trials reported at that step as peers. Then compute (steps run / trials × maxSteps), regret
 * (best final loss among trials that ran to the end − best final loss among all sampled
 * configurations had they all run to the end) and the best final loss itself are summarized.
 *
 * No I/O here: `run.ts` loads the objective, prints and writes files.
 */
import {
  buildSpace,
  createRng,
  type FinishedTrial,
  type ParameterSpecs,
  type Params,
  type Pruner,
  type Sampler,
  type StepValue,
  summarizePeers,
} from '@rung/search';
import { finiteOrNull, mean, median } from '../search/stats.js';

/** A learning-curve objective: the validation loss after `step` epochs (lower is better). */
export interface LearningCurveObjective {
  readonly name: string;
  readonly goal: 'minimize';
  /** Steps 1..maxSteps are reported. */
  readonly maxSteps: number;
  readonly parameters: ParameterSpecs;
  /** Deterministic in (params, step, seed). */
  curve(params: Params, step: number, seed?: number): number;
}

/** The pruner that never prunes (`none`): every trial runs to the end. */
export function createNoPruner(): Pruner {
  return { name: 'none', query: () => null, decide: () => ({ prune: false }) };
}

export interface PruneBenchOptions {
  /** Trials per seed. @defaultValue 100 */
  readonly trials?: number;
  /** Seeds 0..seeds−1; the seed is both the sampler's and the curve's noise seed. @defaultValue 20 */
  readonly seeds?: number;
  /** Called after each seed's run, for progress reports. */
  readonly onSeedDone?: (seedsDone: number, seeds: number) => void;
}

/** What one seed's run leaves behind. */
export interface PruneSeedRun {
  /** Steps run over all trials. */
  readonly steps: number;
  /** Trials that ran to `maxSteps`. */
  readonly completed: number;
  readonly pruned: number;
  /** Best final loss among the trials that ran to the end; +Infinity if none did. */
  readonly bestFinal: number;
  /** Best final loss among every sampled configuration, had all run to the end. */
  readonly oracleBest: number;
}

/** One sampler × pruner's figures over seeds: the JSON `run.ts` writes, one entry per pair. */
export interface PruneBenchResult {
  readonly objective: string;
  readonly sampler: string;
  readonly pruner: string;
  readonly trials: number;
  readonly seeds: number;
  readonly maxSteps: number;
  /** Median over seeds of steps run / (trials × maxSteps). */
  readonly computeFractionMedian: number;
  readonly computeFractionMean: number;
  /** Median over seeds of bestFinal − oracleBest (null when some seed completed no trial). */
  readonly regretMedian: number | null;
  readonly regretMean: number | null;
  readonly bestFinalMedian: number | null;
  readonly bestFinalMean: number | null;
  /** Mean over seeds of trials pruned. */
  readonly prunedMean: number;
}

/** One seed of the protocol. The pruner must be fresh (or stateless) for each seed. */
export function runPruneSeed(
  objective: LearningCurveObjective,
  sampler: Sampler,
  pruner: Pruner,
  seed: number,
  trials: number,
): PruneSeedRun {
  const space = buildSpace(objective.parameters);
  const maxSteps = objective.maxSteps;
  const history: FinishedTrial[] = [];
  /** peersAt[step − 1]: losses that completed trials reported at `step`. */
  const peersAt: number[][] = Array.from({ length: maxSteps }, () => []);
  let steps = 0;
  let completed = 0;
  let pruned = 0;
  let bestFinal = Number.POSITIVE_INFINITY;
  let oracleBest = Number.POSITIVE_INFINITY;

  for (let trialNumber = 0; trialNumber < trials; trialNumber++) {
    const point = sampler.suggest({
      space,
      history: history.slice(),
      pending: [],
      rng: createRng(seed, trialNumber),
      seed,
      trialNumber,
    });
    if (point === null)
      throw new Error(`${sampler.name} ran out of points at trial ${trialNumber}`);
    const params = space.decode(point);
    const final = objective.curve(params, maxSteps, seed);
    if (final < oracleBest) oracleBest = final;

    const reports: StepValue[] = [];
    let prunedAt = 0;
    for (let step = 1; step <= maxSteps; step++) {
      const loss = objective.curve(params, step, seed);
      reports.push({ step, loss });
      steps++;
      const context = { step, reports: reports.slice() };
      const query = pruner.query(context);
      // The worker's protocol: the rule asks, the peers answer, the rule decides.
      const decision = query
        ? pruner.decide({
            ...context,
            peers: summarizePeers(peersAt[step - 1]!, query),
            completedTrials: completed,
          })
        : undefined;
      if (decision?.prune) {
        prunedAt = step;
        break;
      }
    }

    if (prunedAt > 0) {
      pruned++;
      const last = reports[reports.length - 1]!;
      history.push({
        number: trialNumber,
        state: 'pruned',
        point,
        loss: last.loss,
        step: last.step,
      });
    } else {
      completed++;
      for (const r of reports) peersAt[r.step - 1]!.push(r.loss);
      history.push({ number: trialNumber, state: 'completed', point, loss: final });
      if (final < bestFinal) bestFinal = final;
    }
  }
  return { steps, completed, pruned, bestFinal, oracleBest };
}

/** Runs the protocol for seeds 0..seeds−1 with a fresh sampler and pruner per seed. */
export function runPruneBenchmark(
  objective: LearningCurveObjective,
  samplerFactory: () => Sampler,
  prunerFactory: () => Pruner,
  options: PruneBenchOptions = {},
): PruneBenchResult & { readonly runs: readonly PruneSeedRun[] } {
  const { trials = 100, seeds = 20 } = options;
  for (const [name, value] of [
    ['trials', trials],
    ['seeds', seeds],
    ['maxSteps', objective.maxSteps],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
  }
  let samplerName = '';
  let prunerName = '';
  const runs: PruneSeedRun[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const sampler = samplerFactory();
    const pruner = prunerFactory();
    samplerName = sampler.name;
    prunerName = pruner.name;
    runs.push(runPruneSeed(objective, sampler, pruner, seed, trials));
    options.onSeedDone?.(seed + 1, seeds);
  }
  const budget = trials * objective.maxSteps;
  const compute = runs.map((r) => r.steps / budget);
  const regret = runs.map((r) => r.bestFinal - r.oracleBest);
  const best = runs.map((r) => r.bestFinal);
  return {
    objective: objective.name,
    sampler: samplerName,
    pruner: prunerName,
    trials,
    seeds,
    maxSteps: objective.maxSteps,
    computeFractionMedian: median(compute),
    computeFractionMean: mean(compute),
    regretMedian: finiteOrNull(median(regret)),
    regretMean: finiteOrNull(mean(regret)),
    bestFinalMedian: finiteOrNull(median(best)),
    bestFinalMean: finiteOrNull(mean(best)),
    prunedMean: mean(runs.map((r) => r.pruned)),
    runs,
  };
}

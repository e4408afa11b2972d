/**
 * Optuna 3.1's published figures on the five public objectives (copied verbatim into
 * `baselines/`), looked up by objective and sampler for printing beside ours.
 */
import { readFileSync } from 'node:fs';

/** One Optuna sampler on one objective, sequential (`optuna-3.1-public-baseline.json`). */
export interface OptunaSequentialFigures {
  readonly budget: number;
  readonly optimum: number;
  /** Wall time of all 20 seeds, for reference. */
  readonly seconds: number;
  /** Median regret after 10, 25, N/2 and N trials. */
  readonly median_regret_at: Readonly<Record<string, number>>;
  readonly mean_log10_regret_final: number;
}

/** Optuna TPE with 8 asynchronous workers (`optuna-3.1-parallel8-public.json`). */
export interface OptunaParallelFigures {
  readonly P: number;
  readonly budget: number;
  readonly median_regret_final: number;
  readonly duplicate_suggestions: number;
}

/** Optuna's sequential samplers in the baseline, with the labels its tables use. */
export const OPTUNA_SEQUENTIAL_SAMPLERS = [
  { key: 'random', label: 'random' },
  { key: 'tpe', label: 'TPE' },
  { key: 'tpe_mv', label: 'TPE mv' },
  { key: 'cmaes', label: 'CMA-ES' },
] as const;

/** Optuna's parallel runs in the baseline (TPE, 8 workers), with their labels. */
export const OPTUNA_PARALLEL_SAMPLERS = [
  { key: 'tpe', label: 'TPE (no liar)' },
  { key: 'tpe_constant_liar', label: 'TPE constant_liar' },
] as const;

/** The worker count of the parallel baseline. */
export const OPTUNA_PARALLEL_WORKERS = 8;

/** Our sampler names → the Optuna sampler that runs the same algorithm, where there is one. */
export const OPTUNA_EQUIVALENT: Readonly<Record<string, string>> = {
  random: 'random',
  'uniform-baseline': 'random',
  tpe: 'tpe',
  'tpe-multivariate': 'tpe_mv',
};

/**
 * Optuna 3.1 TPE's `ask()` latency in ms on a 6-D space, by trials done (from the baseline's
 * README; not in its JSON).
 */
export const OPTUNA_TPE_ASK_MS: Readonly<Record<string, number>> = {
  '100': 16,
  '250': 21,
  '500': 32,
  '1000': 71,
};

/** Optuna 3.1 random sampler's `ask()` latency in ms (from the baseline's README). */
export const OPTUNA_RANDOM_ASK_MS = 0.3;

type Baseline<T> = { results: Record<string, Record<string, T>> };

let sequential: Baseline<OptunaSequentialFigures> | undefined;
let parallel: Baseline<OptunaParallelFigures> | undefined;

function load<T>(file: string): Baseline<T> {
  return JSON.parse(readFileSync(new URL(`./baselines/${file}`, import.meta.url), 'utf8'));
}

/** Optuna's sequential figures for `objective` by sampler key, or undefined if not in the baseline. */
export function optunaSequential(
  objective: string,
): Readonly<Record<string, OptunaSequentialFigures>> | undefined {
  sequential ??= load('optuna-3.1-public-baseline.json');
  return Object.hasOwn(sequential.results, objective) ? sequential.results[objective] : undefined;
}

/** Optuna's 8-worker figures for `objective` by sampler key, or undefined if not in the baseline. */
export function optunaParallel(
  objective: string,
): Readonly<Record<string, OptunaParallelFigures>> | undefined {
  parallel ??= load('optuna-3.1-parallel8-public.json');
  return Object.hasOwn(parallel.results, objective) ? parallel.results[objective] : undefined;
}

/**
 * What `method: bayes` means: GP-BO while the search is small enough for it to be both strongest
 * and affordable, TPE beyond. GP-BO wins at small budgets (docs/BENCHMARKS.md: at most half of
 * TPE's regret on the benchmark functions) but its fits grow cubically with trials and it models
 * every dimension jointly; TPE's cost per suggestion stays in milliseconds at 1,000 trials.
 * One rule, used by the scheduler when a sweep is created and by the benchmark's `bayes`.
 */

/** GP-BO is chosen up to this many searched dimensions. */
export const BAYES_GP_MAX_DIMENSIONS = 20;
/** GP-BO is chosen up to this many trials (the sweep's run cap). */
export const BAYES_GP_MAX_TRIALS = 300;

/** The sampler `bayes` resolves to for a space of `dimensions` searched dimensions and `trials` trials. */
export function bayesChoice(dimensions: number, trials: number): 'gp' | 'tpe' {
  return dimensions <= BAYES_GP_MAX_DIMENSIONS && trials <= BAYES_GP_MAX_TRIALS ? 'gp' : 'tpe';
}

import { createMedianPruner, createRandomSampler, type Pruner } from '@rung/search';
import { describe, expect, it } from 'vitest';
import { createNoPruner, type LearningCurveObjective, runPruneBenchmark } from './harness.js';
import lcMlp from './objectives/lc-mlp.mjs';

const pruneAtFirstStep: () => Pruner = () => ({
  name: 'first',
  query: () => ({ quantiles: [] }),
  decide: ({ step }) =>
    step === 1
      ? {
          prune: true,
          reason: { rule: 'first', step, value: 0, cutoff: 0, population: 0, rank: 1 },
        }
      : { prune: false },
});

/** loss(x, step) = x + 1/step on x ∈ [0, 1]: curves never cross, lower x is better throughout. */
const parallelCurves: LearningCurveObjective = {
  name: 'parallel',
  goal: 'minimize',
  maxSteps: 10,
  parameters: { x: { distribution: 'uniform', min: 0, max: 1 } },
  curve: (p, step) => (p.x as number) + 1 / step,
};

describe('pruning benchmark harness', () => {
  it('with no pruner runs everything: compute 100%, regret 0', () => {
    const r = runPruneBenchmark(lcMlp, createRandomSampler, createNoPruner, {
      trials: 30,
      seeds: 3,
    });
    expect(r.computeFractionMedian).toBe(1);
    expect(r.regretMedian).toBe(0);
    expect(r.regretMean).toBe(0);
    expect(r.prunedMean).toBe(0);
    for (const run of r.runs) expect(run.bestFinal).toBe(run.oracleBest);
  });

  it('a pruner that stops every trial at step 1 spends 1/maxSteps and completes nothing', () => {
    const r = runPruneBenchmark(lcMlp, createRandomSampler, pruneAtFirstStep, {
      trials: 100,
      seeds: 2,
    });
    expect(r.computeFractionMedian).toBeCloseTo(1 / 50, 12);
    expect(r.prunedMean).toBe(100);
    expect(r.bestFinalMedian).toBeNull();
    expect(r.regretMedian).toBeNull();
  });

  it('the median pruner sees only completed peers and saves compute without regret on non-crossing curves', () => {
    const r = runPruneBenchmark(parallelCurves, createRandomSampler, () => createMedianPruner(), {
      trials: 50,
      seeds: 4,
    });
    // The first 5 trials (startup) complete; later ones run at least one step.
    for (const run of r.runs) {
      expect(run.completed).toBeGreaterThanOrEqual(5);
      expect(run.steps).toBeGreaterThanOrEqual(5 * 10 + 45);
      expect(run.completed + run.pruned).toBe(50);
    }
    expect(r.computeFractionMedian).toBeLessThan(0.6);
    // A new best config is below the median at every step, so it is never pruned.
    expect(r.regretMean).toBe(0);
  });
});

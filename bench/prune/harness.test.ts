import { describe, expect, it } from 'vitest';
import { type LearningCurveObjective, runPruneBenchmark } from './harness.js';
import lcMlp from './objectives/lc-mlp.mjs';

/** loss(x, step) = x + 1/step on x ∈ [0, 1]: curves never cross, lower x is better throughout. */
const parallelCurves: LearningCurveObjective = {
  name: 'parallel',
  goal: 'minimize',
  maxSteps: 10,
  parameters: { x: { distribution: 'uniform', min: 0, max: 1 } },
  curve: (p, step) => (p.x as number) + 1 / step,
};

/** The same, as accuracy to maximize. */
const parallelAccuracy: LearningCurveObjective = {
  ...parallelCurves,
  name: 'parallel-accuracy',
  goal: 'maximize',
  curve: (p, step) => 1 - (p.x as number) - 1 / step,
};

describe('pruning benchmark on the simulator', () => {
  it('with no pruner runs everything: compute 100%, regret 0', async () => {
    const r = await runPruneBenchmark(lcMlp, {
      sampler: 'random',
      pruner: { type: 'none' },
      trials: 30,
      seeds: 3,
    });
    expect(r.compute).toBe(1);
    expect(r.medianRegret).toBe(0);
    expect(r.meanRegret).toBe(0);
    expect(r.prunedMean).toBe(0);
    for (const run of r.runs) expect(run.bestFinal).toBe(run.oracleBest);
  });

  it('the median pruner stops trials on lc-mlp, as Optuna does (16% compute here, 17% there)', async () => {
    const r = await runPruneBenchmark(lcMlp, { sampler: 'random', pruner: { type: 'median' } });
    expect(r.compute).toBeGreaterThan(0.1);
    expect(r.compute).toBeLessThan(0.25);
    expect(r.prunedMean).toBeGreaterThan(50);
  });

  it('ASHA with promotion on curves that never cross keeps the best, resumes paused trials, saves compute', async () => {
    for (const objective of [parallelCurves, parallelAccuracy]) {
      const r = await runPruneBenchmark(objective, {
        sampler: 'random',
        pruner: { type: 'asha', min_steps: 1, eta: 3, max_steps: 10 },
        trials: 60,
        seeds: 4,
      });
      expect(r.meanRegret).toBe(0);
      expect(r.compute).toBeLessThan(0.4);
      expect(r.promotionsMean).toBeGreaterThan(0);
      for (const run of r.runs) {
        // Every configuration ran its first step; promoted ones did not run earlier steps again.
        expect(run.steps).toBeGreaterThanOrEqual(60);
        expect(run.completed).toBeGreaterThanOrEqual(1);
        expect(run.completed + run.pruned).toBe(60);
      }
    }
  });

  it('is deterministic, and more workers finish sooner on the simulated clock', async () => {
    const options = {
      sampler: 'random',
      pruner: { type: 'asha', min_steps: 1, eta: 2, max_steps: 50 },
      trials: 60,
      seeds: 2,
    };
    const one = await runPruneBenchmark(lcMlp, options);
    const again = await runPruneBenchmark(lcMlp, options);
    expect(again.runs.map((r) => [r.steps, r.bestFinal])).toEqual(
      one.runs.map((r) => [r.steps, r.bestFinal]),
    );
    const eight = await runPruneBenchmark(lcMlp, { ...options, workers: 8 });
    expect(eight.simulatedHours).toBeLessThan(one.simulatedHours / 4);
  });

  it('refuses a pruner the sweep schema refuses, naming the field', async () => {
    await expect(
      runPruneBenchmark(lcMlp, { sampler: 'random', pruner: { type: 'asha', eta: 1 }, seeds: 1 }),
    ).rejects.toThrow(/pruner\.eta/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  combinePruners,
  createPatiencePruner,
  createPercentilePruner,
  createSuccessiveHalvingPruner,
  createThresholdPruner,
  type PruneDecision,
  type Pruner,
  summarizePeers,
} from '../src/index.js';

/** One report judged against `peers` (the step peers or a rung's record), as the worker does. */
function judge(pruner: Pruner, reports: [number, number][], peers: number[] = []): PruneDecision {
  const curve = reports.map(([step, loss]) => ({ step, loss }));
  const context = { trial: 0, step: curve.at(-1)!.step, reports: curve };
  const query = pruner.query(context);
  if (!query) return { action: 'continue' };
  const record = query.rung?.record;
  const population = record === undefined ? peers : [...peers, record];
  return pruner.decide({
    ...context,
    peers: summarizePeers(population, query),
    completedTrials: 10,
  });
}

describe('threshold', () => {
  const pruner = createThresholdPruner({ min: 0, max: 2, warmupSteps: 2 });

  it('prunes outside [min, max] and on NaN, from the warm-up step on', () => {
    expect(judge(pruner, [[1, 5]]).action).toBe('continue');
    expect(
      judge(pruner, [
        [1, 1],
        [2, 5],
      ]),
    ).toMatchObject({
      action: 'prune',
      reason: { rule: 'threshold', step: 2, value: 5, cutoff: 2 },
    });
    expect(judge(pruner, [[2, -1]])).toMatchObject({ action: 'prune', reason: { cutoff: 0 } });
    expect(judge(pruner, [[2, Number.NaN]])).toMatchObject({
      action: 'prune',
      reason: { detail: 'the metric is NaN' },
    });
    expect(judge(pruner, [[3, 2]]).action).toBe('continue');
  });

  it('refuses crossed bounds', () => {
    expect(() => createThresholdPruner({ min: 2, max: 1 })).toThrow(/min <= max/);
  });
});

describe('patience', () => {
  const pruner = createPatiencePruner({ patience: 2, minDelta: 0.1 });

  it('prunes when the last patience + 1 reports do not beat the earlier best by more than minDelta', () => {
    // Earlier best 1.0; the last three reach 0.95: not better by more than 0.1.
    expect(
      judge(pruner, [
        [1, 1],
        [2, 0.95],
        [3, 0.97],
        [4, 0.96],
      ]),
    ).toMatchObject({
      action: 'prune',
      reason: { rule: 'patience', step: 4, value: 0.95, cutoff: 0.9 },
    });
    expect(
      judge(pruner, [
        [1, 1],
        [2, 0.85],
        [3, 0.97],
        [4, 0.96],
      ]).action,
    ).toBe('continue');
    // Too few reports to judge.
    expect(
      judge(pruner, [
        [1, 1],
        [2, 1],
        [3, 1],
      ]).action,
    ).toBe('continue');
  });
});

describe('percentile', () => {
  it('prunes a trial worse than the percentile of its peers (Optuna PercentilePruner)', () => {
    const pruner = createPercentilePruner({ percentile: 25, startupTrials: 0 });
    // Peers 1..5: the 25th percentile is 2.
    expect(judge(pruner, [[1, 2]], [1, 2, 3, 4, 5]).action).toBe('continue');
    expect(judge(pruner, [[1, 2.5]], [1, 2, 3, 4, 5])).toMatchObject({
      action: 'prune',
      reason: { rule: 'percentile', cutoff: 2 },
    });
    expect(() => createPercentilePruner({ percentile: 120 })).toThrow(/percentile/);
  });
});

describe('rules together', () => {
  it('the first that prunes wins over one that pauses, and one asks the peers', () => {
    const asha = createSuccessiveHalvingPruner({ minSteps: 1, eta: 3 });
    const both = combinePruners([createThresholdPruner({ max: 1 }), asha]);
    expect(both.name).toBe('threshold+asha');
    expect(both.promoter).toBe(asha.promoter);
    // ASHA alone would pause this trial (outside the top of 3); the threshold prunes it.
    expect(judge(both, [[1, 0.9]], [0.1, 0.2]).action).toBe('pause');
    expect(judge(both, [[1, 1.5]], [0.1, 0.2])).toMatchObject({
      action: 'prune',
      reason: { rule: 'threshold' },
    });
    // Between rungs only the threshold judges.
    expect(
      judge(both, [
        [1, 0.1],
        [2, 0.5],
      ]).action,
    ).toBe('continue');
  });

  it('refuses two rules that both promote', () => {
    const asha = () => createSuccessiveHalvingPruner({ minSteps: 1 });
    expect(() => combinePruners([asha(), asha()])).toThrow(/at most one rule may promote/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  createMedianPruner as createRule,
  MEDIAN_PRUNER_DEFAULTS,
  type MedianPrunerOptions,
  type PruneDecision,
  type StepValue,
  summarizePeers,
} from '../src/index.js';

/** A decision as the worker takes it: the rule's query, answered from the peers, then decide. */
interface Judged {
  trial: number;
  step: number;
  reports: readonly StepValue[];
  peers: number[];
  completedTrials: number;
}

function createMedianPruner(options?: MedianPrunerOptions) {
  const rule = createRule(options);
  return {
    name: rule.name,
    decide(input: Judged): PruneDecision {
      const query = rule.query(input);
      if (!query) return { action: 'continue' };
      return rule.decide({ ...input, peers: summarizePeers(input.peers, query) });
    },
  };
}

function input(
  reports: [step: number, loss: number][],
  peers: number[],
  completedTrials: number,
): Judged {
  const values: StepValue[] = reports.map(([step, loss]) => ({ step, loss }));
  return { trial: 0, step: values.at(-1)!.step, reports: values, peers, completedTrials };
}

describe('median pruner', () => {
  it("has Optuna's defaults", () => {
    expect(MEDIAN_PRUNER_DEFAULTS).toEqual({
      startupTrials: 5,
      warmupSteps: 0,
      intervalSteps: 1,
      minPeers: 1,
    });
    const pruner = createMedianPruner();
    expect(pruner.name).toBe('median');
    // Startup 5: four completed trials are not enough, five are.
    expect(pruner.decide(input([[1, 9]], [1], 4)).action).toBe('continue');
    expect(pruner.decide(input([[1, 9]], [1], 5)).action).toBe('prune');
  });

  describe('validates its options at construction', () => {
    it.each([
      [{ startupTrials: -1 }, 'median pruner: startupTrials must be an integer >= 0, got -1'],
      [{ warmupSteps: 1.5 }, 'median pruner: warmupSteps must be an integer >= 0, got 1.5'],
      [{ intervalSteps: 0 }, 'median pruner: intervalSteps must be an integer >= 1, got 0'],
      [{ minPeers: 0 }, 'median pruner: minPeers must be an integer >= 1, got 0'],
      [{ minPeers: Number.NaN }, 'median pruner: minPeers must be an integer >= 1, got NaN'],
      [{ warmup: 3 }, "median pruner: unknown option 'warmup'"],
    ])('%o', (options, message) => {
      expect(() => createMedianPruner(options as never)).toThrow(message);
    });

    it('treats an undefined option as not given', () => {
      const pruner = createMedianPruner({ startupTrials: undefined, minPeers: 2 });
      expect(pruner.decide(input([[1, 9]], [1, 2], 4)).action).toBe('continue');
      expect(pruner.decide(input([[1, 9]], [1, 2], 5)).action).toBe('prune');
    });
  });

  // Ported from Optuna's tests/pruners_tests/test_median.py (minimize direction).
  describe("Optuna's MedianPruner cases", () => {
    it('does not prune the first trial', () => {
      const pruner = createMedianPruner({ startupTrials: 0, warmupSteps: 0 });
      expect(pruner.decide(input([[1, 1]], [], 0)).action).toBe('continue');
    });

    it('prunes a worse intermediate value', () => {
      const pruner = createMedianPruner({ startupTrials: 0, warmupSteps: 0 });
      expect(
        pruner.decide({ trial: 0, step: 1, reports: [], peers: [1], completedTrials: 1 }).action,
      ).toBe('continue');
      expect(pruner.decide(input([[1, 2]], [1], 1)).action).toBe('prune');
    });

    it('prunes a NaN trial and never prunes on NaN peers', () => {
      const pruner = createMedianPruner({ startupTrials: 0, warmupSteps: 0 });
      expect(pruner.decide(input([[1, Number.NaN]], [], 0)).action).toBe('continue');
      expect(pruner.decide(input([[1, Number.NaN]], [Number.NaN], 1)).action).toBe('prune');
      expect(pruner.decide(input([[1, 1]], [Number.NaN, Number.NaN], 2)).action).toBe('continue');
    });

    it('waits for startup trials', () => {
      const pruner = createMedianPruner({ startupTrials: 2, warmupSteps: 0 });
      expect(pruner.decide(input([[1, 2]], [1], 1)).action).toBe('continue');
      expect(pruner.decide(input([[1, 3]], [1, 2], 2)).action).toBe('prune');
    });

    it('waits for warm-up steps (the step equal to warmupSteps is checked)', () => {
      const pruner = createMedianPruner({ startupTrials: 0, warmupSteps: 1 });
      expect(pruner.decide(input([[0, 2]], [1], 1)).action).toBe('continue');
      expect(
        pruner.decide(
          input(
            [
              [0, 2],
              [1, 2],
            ],
            [1],
            1,
          ),
        ).action,
      ).toBe('prune');
    });

    it.each([
      [0, 1, 1, [0, 1, 2, 3, 4, 5]],
      [1, 1, 1, [1, 2, 3, 4, 5]],
      [1, 2, 1, [1, 3, 5]],
      [0, 3, 10, Array.from({ length: 29 }, (_, i) => i)],
      [2, 3, 10, Array.from({ length: 19 }, (_, i) => i + 10)],
      [0, 10, 3, [0, 1, 2, 12, 13, 14, 21, 22, 23]],
      [2, 10, 3, [3, 4, 5, 12, 13, 14, 24, 25, 26]],
    ])(
      'warm-up %i, interval %i, a report every %i steps: checks at %o',
      (warmupSteps, intervalSteps, reportEvery, expected) => {
        const pruner = createMedianPruner({ startupTrials: 0, warmupSteps, intervalSteps });
        // One completed trial reported 0 at every step; this one reports 2 every few steps and
        // is asked after every step, as Optuna's test asks `should_prune` every iteration.
        const reports: [number, number][] = [];
        const pruned: number[] = [];
        for (let i = 0; i <= Math.max(...expected); i++) {
          if (i % reportEvery === 0) reports.push([i, 2]);
          if (pruner.decide(input(reports, [0], 1)).action === 'prune') pruned.push(i);
        }
        expect(pruned).toEqual(expected);
      },
    );

    it('waits for minPeers values at the step', () => {
      const pruner = createMedianPruner({ startupTrials: 2, minPeers: 2 });
      const reports: [number, number][] = [
        [1, 4],
        [2, 3],
      ];
      // Two trials completed, only one of them reached step 2.
      expect(pruner.decide(input(reports, [2], 2)).action).toBe('continue');
      expect(pruner.decide(input(reports, [2, 3], 3)).action).toBe('prune');
    });
  });

  describe('decisions and reasons', () => {
    const pruner = createMedianPruner({ startupTrials: 0 });

    it('compares the best loss so far, not the latest one, with the median', () => {
      const reports: [number, number][] = [
        [1, 3],
        [2, 2],
        [3, 2.7],
      ];
      // Peers' median 2.5: the latest loss 2.7 is worse, the best 2 is not.
      expect(pruner.decide(input(reports, [1, 2, 3, 4], 4)).action).toBe('continue');
      expect(pruner.decide(input([[3, 2.7]], [1, 2, 3, 4], 4))).toEqual({
        action: 'prune',
        reason: { rule: 'median', step: 3, value: 2.7, cutoff: 2.5, population: 4, rank: 3 },
      });
    });

    it('keeps a tie with the median and prunes just above it', () => {
      expect(pruner.decide(input([[5, 3]], [5, 1, 3], 3)).action).toBe('continue');
      expect(pruner.decide(input([[5, 3.000001]], [5, 1, 3], 3))).toEqual({
        action: 'prune',
        reason: { rule: 'median', step: 5, value: 3.000001, cutoff: 3, population: 3, rank: 3 },
      });
    });

    it('ranks the trial ahead of peers it ties with', () => {
      const decision = pruner.decide(input([[2, 5]], [5, 1, 3, 5, 2], 5));
      expect(decision).toEqual({
        action: 'prune',
        reason: { rule: 'median', step: 2, value: 5, cutoff: 3, population: 5, rank: 4 },
      });
    });

    it('ignores NaN peers in the median, the population and minPeers', () => {
      expect(pruner.decide(input([[1, 5]], [Number.NaN, 1, 3, Number.NaN, 2], 5))).toEqual({
        action: 'prune',
        reason: { rule: 'median', step: 1, value: 5, cutoff: 2, population: 3, rank: 4 },
      });
      const strict = createMedianPruner({ startupTrials: 0, minPeers: 2 });
      expect(strict.decide(input([[1, 5]], [Number.NaN, 1], 2)).action).toBe('continue');
    });

    it('uses the best non-NaN report, and prunes when every report is NaN', () => {
      const mixed: [number, number][] = [
        [1, 1],
        [2, Number.NaN],
      ];
      expect(pruner.decide(input(mixed, [2, 3], 2)).action).toBe('continue');
      expect(pruner.decide(input([[1, Number.NaN]], [2, 3, Number.NaN], 3))).toEqual({
        action: 'prune',
        reason: {
          rule: 'median',
          step: 1,
          value: Number.NaN,
          cutoff: 2.5,
          population: 2,
          rank: 3,
        },
      });
    });

    it('treats infinite losses as the worst and never prunes on an undefined median', () => {
      expect(pruner.decide(input([[1, Number.POSITIVE_INFINITY]], [1, 2, 3], 3)).action).toBe(
        'prune',
      );
      const spread = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
      expect(pruner.decide(input([[1, 1e300]], spread, 2)).action).toBe('continue');
    });

    it('never prunes with no completed trial, even with startupTrials 0', () => {
      expect(pruner.decide(input([[1, 100]], [1], 0)).action).toBe('continue');
    });
  });
});

import { describe, expect, it } from 'vitest';
import {
  bracketOf,
  createSuccessiveHalvingPruner,
  createWandbHyperbandPruner,
  type PruneDecision,
  type Pruner,
  parseRungName,
  rungName,
  rungSteps,
  type StepValue,
  summarizePeers,
} from '../src/index.js';
import { crossedRung, extrapolatedScore } from '../src/pruners/successive-halving.js';

/**
 * The worker's protocol against an in-memory rung record, as the store keeps it: the rule's query
 * (which may record the trial's value at a rung first), the peers' answer, then the decision.
 */
class Rungs {
  readonly records = new Map<string, Map<number, number>>();

  report(pruner: Pruner, trial: number, reports: [step: number, loss: number][]): PruneDecision {
    const curve: StepValue[] = reports.map(([step, loss]) => ({ step, loss }));
    const context = { trial, step: curve.at(-1)!.step, reports: curve };
    const query = pruner.query(context);
    if (!query) return { action: 'continue' };
    const rung = query.rung ? (this.records.get(query.rung.name) ?? new Map()) : new Map();
    if (query.rung) {
      this.records.set(query.rung.name, rung);
      if (query.rung.record !== undefined) rung.set(trial, query.rung.record);
    }
    const peers = summarizePeers([...rung.values()], query);
    return pruner.decide({ ...context, peers, completedTrials: 0 });
  }
}

describe('successive halving: rungs and brackets', () => {
  it('places rungs at minSteps · η^k below maxSteps, each bracket η times later', () => {
    expect(rungSteps({ minSteps: 1, eta: 3, maxSteps: 50 })).toEqual([[1, 3, 9, 27]]);
    expect(rungSteps({ minSteps: 2, eta: 2, maxSteps: 50, brackets: 3 })).toEqual([
      [2, 4, 8, 16, 32],
      [4, 8, 16, 32],
      [8, 16, 32],
    ]);
    // Fractional η rounds to steps, never repeating one.
    expect(rungSteps({ minSteps: 1, eta: 1.5, maxSteps: 6 })).toEqual([[1, 2, 3, 5]]);
  });

  it('judges a report at the highest rung it crossed since the last one', () => {
    const reports = (steps: number[]) => steps.map((step) => ({ step, loss: 1 }));
    expect(crossedRung([2, 6, 18], 2, reports([1, 2]))).toBe(2);
    expect(crossedRung([2, 6, 18], 3, reports([1, 2, 3]))).toBeUndefined();
    // Steps 5 → 20 jump over 6 and 18: judged at 18.
    expect(crossedRung([2, 6, 18], 20, reports([5, 20]))).toBe(18);
  });

  it('draws brackets deterministically, in the proportions of synchronous Hyperband', () => {
    const counts = [0, 0, 0];
    for (let t = 0; t < 9000; t++) counts[bracketOf(t, 7, 3, 3)]! += 1;
    // Weights 9/3, 3/2, 1/1 → 55%, 27%, 18%.
    expect(counts[0]! / 9000).toBeCloseTo(3 / 5.5, 1);
    expect(counts[1]! / 9000).toBeCloseTo(1.5 / 5.5, 1);
    expect(counts[2]! / 9000).toBeCloseTo(1 / 5.5, 1);
    expect(bracketOf(42, 7, 3, 3)).toBe(bracketOf(42, 7, 3, 3));
    expect(bracketOf(42, 7, 1, 3)).toBe(0);
  });

  it('refuses bad options', () => {
    expect(() => createSuccessiveHalvingPruner({ minSteps: 0 })).toThrow(/minSteps/);
    expect(() => createSuccessiveHalvingPruner({ minSteps: 1, eta: 1 })).toThrow(/eta/);
    expect(() => createSuccessiveHalvingPruner({ minSteps: 4, maxSteps: 4 })).toThrow(/maxSteps/);
  });
});

describe('successive halving: stopping (Ray / Optuna form)', () => {
  const pruner = createSuccessiveHalvingPruner({ minSteps: 1, eta: 3, mode: 'stop' });

  it('keeps the top max(1, ⌊n/η⌋) of everyone who reached the rung and prunes the rest', () => {
    const rungs = new Rungs();
    // First arrival: alone, it is the top 1.
    expect(rungs.report(pruner, 0, [[1, 0.5]]).action).toBe('continue');
    // Worse than the only other: outside the top 1 of 2.
    const worse = rungs.report(pruner, 1, [[1, 0.9]]);
    expect(worse).toMatchObject({
      action: 'prune',
      reason: { rule: 'asha', step: 1, rung: 1, value: 0.9, cutoff: 0.5, population: 2, rank: 2 },
    });
    expect(rungs.report(pruner, 2, [[1, 0.1]]).action).toBe('continue');
    // Steps between rungs are not judged.
    expect(
      rungs.report(pruner, 2, [
        [1, 0.1],
        [2, 0.09],
      ]).action,
    ).toBe('continue');
  });
});

describe('successive halving: promotion (ASHA)', () => {
  const pruner = createSuccessiveHalvingPruner({ minSteps: 1, eta: 3, maxSteps: 10 });
  const promoter = pruner.promoter!;

  it('pauses a trial outside the top ⌊n/η⌋, and lets one inside go on', () => {
    const rungs = new Rungs();
    expect(rungs.report(pruner, 0, [[1, 0.5]])).toMatchObject({
      action: 'pause',
      reason: { rank: 1, population: 1 },
    });
    expect(rungs.report(pruner, 1, [[1, 0.7]]).action).toBe('pause');
    // Third arrival and the best: top ⌊3/3⌋ = 1, so it goes on at once.
    expect(rungs.report(pruner, 2, [[1, 0.2]]).action).toBe('continue');
    expect(rungs.report(pruner, 3, [[1, 0.9]]).action).toBe('pause');
  });

  it('promotes the best paused trial that has entered its rung top, highest rung first', () => {
    const standing = (
      name: string,
      count: number,
      number: number,
      value: number,
      better: number,
    ) => ({
      name,
      count,
      best: { number, value, better },
    });
    // Rung 1 of 6: the best paused trial is second (one better went on): top ⌊6/3⌋ = 2, promoted.
    expect(promoter.choose([standing('0:1', 6, 0, 0.5, 1)], false)).toMatchObject({
      number: 0,
      reason: { rule: 'asha', rung: 1, rank: 2, population: 6, value: 0.5 },
    });
    // Third of six is outside the top 2.
    expect(promoter.choose([standing('0:1', 6, 1, 0.7, 2)], false)).toBeUndefined();
    // A higher rung's promotable trial goes first.
    expect(
      promoter.choose([standing('0:1', 6, 0, 0.5, 0), standing('0:3', 3, 7, 0.2, 0)], false)
        ?.number,
    ).toBe(7);
    // Alone at a rung, a trial waits — unless the sweep starts nothing new any more.
    expect(promoter.choose([standing('0:3', 1, 7, 0.2, 0)], false)).toBeUndefined();
    expect(promoter.choose([standing('0:3', 1, 7, 0.2, 0)], true)?.number).toBe(7);
    expect(promoter.topOf(6, false)).toBe(2);
    expect(promoter.topOf(2, true)).toBe(1);
    expect(promoter.rungs).toEqual(['0:1', '0:3', '0:9']);
  });

  it('names rungs by bracket and step, and reads them back', () => {
    expect(rungName(2, 9)).toBe('2:9');
    expect(parseRungName('2:9')).toEqual({ bracket: 2, rung: 9 });
  });

  it('ranks by the value extrapolated to the next rung when asked, keeping a slow starter', () => {
    // Fast: 1.0 → 0.8 (flattening); slow: 1.4 → 0.9 (still falling fast).
    expect(
      extrapolatedScore(
        [
          { step: 1, loss: 1 },
          { step: 2, loss: 0.8 },
        ],
        2,
        4,
      ),
    ).toBeCloseTo(0.6);
    expect(
      extrapolatedScore(
        [
          { step: 1, loss: 1.4 },
          { step: 2, loss: 0.9 },
        ],
        2,
        4,
      ),
    ).toBeCloseTo(0.4);
    // Without an earlier report, the value itself.
    expect(extrapolatedScore([{ step: 1, loss: 1.4 }], 1, 2)).toBe(1.4);
    const extrapolating = createSuccessiveHalvingPruner({
      minSteps: 2,
      eta: 2,
      rankBy: 'extrapolated',
    });
    const rungs = new Rungs();
    rungs.report(extrapolating, 0, [
      [1, 1],
      [2, 0.8],
    ]);
    const slow = rungs.report(extrapolating, 1, [
      [1, 1.4],
      [2, 0.9],
    ]);
    expect(slow.action).toBe('continue');
  });
});

describe("W&B's hyperband (early_terminate)", () => {
  it("stops what W&B's own example stops", () => {
    // wandb/sweeps' docstring: max_iter 5, eta 2, s 2 → bands 1 and 2; runs a and e finished.
    const pruner = createWandbHyperbandPruner({ bands: [1, 2], eta: 2 });
    const rungs = new Rungs();
    const a = [10, 9];
    const e = [10, 6, 6];
    const history = (values: number[]) => values.map((v, i) => [i + 1, v] as [number, number]);
    for (const [t, h] of [
      [0, a],
      [4, e],
    ] as const) {
      for (let i = 1; i <= h.length; i++) rungs.report(pruner, t, history(h.slice(0, i)));
    }
    const run = (t: number, values: number[]) => {
      let last: PruneDecision = { action: 'continue' };
      for (let i = 1; i <= values.length; i++)
        last = rungs.report(pruner, t, history(values.slice(0, i)));
      return last;
    };
    const c = run(2, [10, 8, 8]);
    const d = run(3, [10, 7, 7]);
    const b = run(1, [10, 10]);
    expect(b).toMatchObject({
      action: 'prune',
      reason: { rule: 'hyperband', rung: 2, cutoff: 8, population: 5 },
    });
    expect(c.action).toBe('continue');
    expect(d.action).toBe('continue');
  });

  it('compares the best value so far, or with strict the value at the band', () => {
    const conservative = createWandbHyperbandPruner({ bands: [2], eta: 2 });
    const strict = createWandbHyperbandPruner({ bands: [2], eta: 2, strict: true });
    for (const [pruner, expected] of [
      [conservative, 'continue'],
      [strict, 'prune'],
    ] as const) {
      const rungs = new Rungs();
      rungs.report(pruner, 0, [
        [1, 5],
        [2, 1],
      ]);
      rungs.report(pruner, 1, [
        [1, 5],
        [2, 2],
      ]);
      // Its best (0.5 at step 1) beats both; its value at band 2 (3) does not.
      expect(
        rungs.report(pruner, 2, [
          [1, 0.5],
          [2, 3],
        ]).action,
      ).toBe(expected);
    }
  });
});

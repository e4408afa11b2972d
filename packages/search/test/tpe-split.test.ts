/** How TPE ranks finished trials and splits them into the 'below' and 'above' groups. */
import { describe, expect, it } from 'vitest';
import type { FinishedTrial } from '../src/index.js';
import { defaultGamma } from '../src/samplers/tpe/options.js';
import { compareRankKeys, rankKeyOf, splitByRank } from '../src/samplers/tpe/split.js';

function record(number: number, fields: Partial<FinishedTrial>): FinishedTrial {
  return { number, state: 'completed', point: [0.5], ...fields };
}

/** Numbers of the records in rank order. */
function ranking(records: readonly FinishedTrial[]): number[] {
  return records
    .flatMap((r) => {
      const key = rankKeyOf(r);
      return key ? [key] : [];
    })
    .sort(compareRankKeys)
    .map((k) => k.number);
}

describe('TPE ranking', () => {
  it('puts completed trials by loss first, then pruned ones by step reached, then value', () => {
    const records = [
      record(0, { state: 'pruned', loss: 0.1, step: 3 }),
      record(1, { loss: 5 }),
      record(2, { state: 'pruned', loss: 0.9, step: 8 }),
      record(3, { state: 'failed' }),
      record(4, { loss: 2 }),
      record(5, { state: 'pruned', loss: 0.5, step: 8 }),
      record(6, { state: 'pruned' }), // pruned before reporting anything
      record(7, { loss: Number.NaN }),
    ];
    // Completed: 4 (2), 1 (5), 7 (NaN: worst completed). Pruned at step 8: 5 (0.5), 2 (0.9);
    // at step 3: 0. No report: 6. Failed: not ranked at all.
    expect(ranking(records)).toEqual([4, 1, 7, 5, 2, 0, 6]);
  });

  it('breaks ties by trial number', () => {
    expect(
      ranking([record(3, { loss: 1 }), record(1, { loss: 1 }), record(2, { loss: 1 })]),
    ).toEqual([1, 2, 3]);
  });

  it('splits off the best gamma(n), each group keeping chronological order', () => {
    const losses = [9, 3, 7, 1, 8, 2, 6, 5, 4, 0, 10, 11];
    const items = losses.map((loss, number) => ({
      number,
      rank: rankKeyOf(record(number, { loss }))!,
    }));
    const { below, above } = splitByRank(items, defaultGamma(items.length));
    // gamma(12) = 2: losses 0 (trial 9) and 1 (trial 3), listed oldest first.
    expect(below.map((i) => i.number)).toEqual([3, 9]);
    expect(above.map((i) => i.number)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 10, 11]);
  });
});

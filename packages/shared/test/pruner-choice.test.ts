import { summarizePeers } from '@rung/search';
import { describe, expect, it } from 'vitest';
import { createPruner } from '../src/pruner-choice.js';
import { parseSweepSpec } from '../src/spec/sweep-schema.js';

const base = { method: 'random', parameters: { x: { value: 1 } }, trainer: 'mlp' };
const pruner = (pruner: unknown, goal: 'minimize' | 'maximize' = 'minimize') => {
  const { spec } = parseSweepSpec({ ...base, metric: { name: 'm', goal }, pruner });
  return createPruner({ spec: spec.pruner, goal, seed: 0 });
};

/** The decision on one report of `value` (already a loss) at `step`, with no peers. */
function decide(rule: NonNullable<ReturnType<typeof pruner>>, step: number, loss: number) {
  const context = { trial: 0, step, reports: [{ step, loss }] };
  const query = rule.query(context);
  if (!query) return 'not judged';
  return rule.decide({ ...context, peers: summarizePeers([], query), completedTrials: 0 }).action;
}

describe('the pruner of a sweep spec', () => {
  it('is absent for none, and one rule or rules together otherwise', () => {
    expect(pruner({ type: 'none' })).toBeUndefined();
    expect(pruner({ type: 'median' })?.name).toBe('median');
    expect(pruner([{ type: 'patience', patience: 2 }, { type: 'asha' }])?.name).toBe(
      'patience+asha',
    );
    expect(pruner({ type: 'asha' })?.promoter).toBeDefined();
    expect(pruner({ type: 'asha', mode: 'stop' })?.promoter).toBeUndefined();
    expect(pruner({ type: 'wandb_hyperband', min_iter: 3 })?.name).toBe('hyperband');
  });

  it('turns threshold bounds in the metric’s units into loss bounds, maximized metrics negated', () => {
    // Accuracy to maximize, stop below 0.2: a loss of −0.1 is an accuracy of 0.1.
    const accuracy = pruner({ type: 'threshold', lower: 0.2 }, 'maximize')!;
    expect(decide(accuracy, 1, -0.1)).toBe('prune');
    expect(decide(accuracy, 1, -0.5)).toBe('continue');
    const loss = pruner({ type: 'threshold', upper: 3 })!;
    expect(decide(loss, 1, 4)).toBe('prune');
    expect(decide(loss, 1, 2)).toBe('continue');
  });
});

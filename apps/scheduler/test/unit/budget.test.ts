import type { SweepSpec } from '@rung/shared';
import { describe, expect, it } from 'vitest';
import { budgetSpent } from '../../src/scheduling/sweep-scheduler.js';

const spec = (budget?: SweepSpec['budget']) => ({ ...(budget && { budget }) }) as SweepSpec;

describe('budgetSpent', () => {
  it('compares the GPU-hours used with the budget, or their cost at the price', () => {
    expect(budgetSpent(spec(), 1e9)).toBe(false);
    expect(budgetSpent(spec({ gpu_hours: 2 }), 7199)).toBe(false);
    expect(budgetSpent(spec({ gpu_hours: 2 }), 7200)).toBe(true);
    // 1.5 GPU-hours at 4 an hour: 6.
    expect(budgetSpent(spec({ cost: 6 }), 5400, 4)).toBe(true);
    expect(budgetSpent(spec({ cost: 6.01 }), 5400, 4)).toBe(false);
    // Without a price a cost budget cannot be judged (submission refuses it).
    expect(budgetSpent(spec({ cost: 1 }), 1e9)).toBe(false);
    // Both: whichever is reached first.
    expect(budgetSpent(spec({ gpu_hours: 100, cost: 6 }), 5400, 4)).toBe(true);
  });
});

import type { SweepView, Trial } from '@rung/shared';
import { describe, expect, it } from 'vitest';
import { sweepCost } from '../../src/sweeps/sweep-cost.js';

const H = 3_600_000;

function sweep(goal: 'minimize' | 'maximize', compute: SweepView['compute']): SweepView {
  return {
    id: 'sw-c',
    state: 'completed',
    spec: { metric: { name: 'loss', goal } } as SweepView['spec'],
    sampler: 'random',
    warnings: [],
    counts: {} as SweepView['counts'],
    trials: 3,
    compute,
    gpuSeconds: 0,
    createdAt: 0,
    finishedAt: 4 * H,
  };
}

function trial(number: number, over: Partial<Trial>): Trial {
  return {
    id: `sw-c-${number}`,
    sweepId: 'sw-c',
    number,
    state: 'completed',
    params: {},
    reports: [],
    attempt: 1,
    createdAt: 0,
    ...over,
  };
}

describe('sweepCost', () => {
  it('adds GPU-hours, estimates what pruning saved, and times the approach to the best', () => {
    // Three half-GPU trials of 2 h, 1 h and 2 h (GPU-hours 1, 0.5, 1), the second pruned.
    const trials = [
      trial(0, { startedAt: 0, finishedAt: 2 * H, gpuSeconds: 3600, value: 0.5 }),
      trial(1, { state: 'pruned', startedAt: 0, finishedAt: 1 * H, gpuSeconds: 1800, value: 0.9 }),
      trial(2, { startedAt: 2 * H, finishedAt: 4 * H, gpuSeconds: 3600, value: 0.3 }),
    ];
    // 25 steps run of 30 had every trial gone to the end: 5 steps of 2.5 GPU-hours / 25.
    const cost = sweepCost(
      sweep('minimize', { stepsRun: 25, stepsFull: 30, saved: 5 / 30 }),
      trials,
      5 * H,
      {
        gpuHour: 2,
      },
    );
    expect(cost).toMatchObject({ trialsRun: 3, wallSeconds: 4 * 3600, gpuHours: 2.5, cpuHours: 0 });
    expect(cost.savedHours).toBeCloseTo(0.5);
    expect(cost.savedShare).toBeCloseTo(1 / 6);
    // Within 1% of 0.3: only trial 2 (4 h in, all 2.5 GPU-hours spent); the first completion is
    // 0.5, not within 10% either.
    expect(cost.toWithin).toEqual([
      { percent: 1, wallSeconds: 4 * 3600, computeHours: 2.5 },
      { percent: 5, wallSeconds: 4 * 3600, computeHours: 2.5 },
      { percent: 10, wallSeconds: 4 * 3600, computeHours: 2.5 },
    ]);
    expect(cost.money).toEqual({ spent: 5, saved: 1, prices: { gpuHour: 2 } });
  });

  it('counts CPU-hours for trials without a GPU, running ones up to now, and a maximized metric', () => {
    // Trial 1 ran twice: paused after half an hour, promoted, then 1.5 h more.
    const trials = [
      trial(0, { startedAt: 0, finishedAt: H, value: 0.9 }),
      trial(1, {
        attempt: 2,
        startedAt: 0.5 * H,
        finishedAt: 2 * H,
        value: 0.95,
        attempts: [
          {
            attempt: 1,
            workerId: 'w',
            startedAt: 0,
            endedAt: 0.5 * H,
            endedBy: 'paused',
            reports: [],
          },
          { attempt: 2, workerId: 'w', startedAt: 0.5 * H, reports: [] },
        ],
      }),
      trial(2, { state: 'running', startedAt: 3 * H }),
      trial(3, { state: 'queued' }),
    ];
    const cost = sweepCost(
      sweep('maximize', { stepsRun: 0, stepsFull: 0, saved: 0 }),
      trials,
      3.5 * H,
    );
    expect(cost).toMatchObject({ trialsRun: 3, gpuHours: 0, cpuHours: 3.5, savedHours: 0 });
    expect(cost.money).toBeUndefined();
    // 0.9 is within 10% of 0.95 (0.855), not within 5% (0.9025): reached at 1 h with 1 CPU-hour.
    expect(cost.toWithin).toEqual([
      { percent: 1, wallSeconds: 2 * 3600, computeHours: 3 },
      { percent: 5, wallSeconds: 2 * 3600, computeHours: 3 },
      { percent: 10, wallSeconds: 3600, computeHours: 1 },
    ]);
  });
});

import type { SweepView, Trial, TrialState } from '@rung/shared';
import { describe, expect, it } from 'vitest';
import { paramImportance } from '../../src/sweeps/param-importance.js';
import {
  buildOverview,
  chooseCurves,
  overviewParameters,
} from '../../src/sweeps/sweep-overview.js';

/** A seeded stream of uniform numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('parameter importance', () => {
  it('gives the parameter that decides the result nearly all of it, noise nearly none', () => {
    const r = rng(1);
    const n = 400;
    const lr = Array.from({ length: n }, () => r());
    const noise = Array.from({ length: n }, () => r());
    const opt = Array.from({ length: n }, () => (r() < 0.5 ? 'adam' : 'sgd'));
    // lr decides most of it, the optimizer a little, noise nothing.
    const values = lr.map((x, i) => (x - 0.3) ** 2 + (opt[i] === 'sgd' ? 0.02 : 0) + r() * 0.005);
    const result = paramImportance({ columns: { lr, noise, opt }, values });
    expect(result.map((p) => p.name)).toEqual(['lr', 'opt', 'noise']);
    expect(result[0]!.importance).toBeGreaterThan(0.8);
    expect(result[2]!.explained).toBeLessThan(0.02);
    expect(result.reduce((s, p) => s + p.importance, 0)).toBeCloseTo(1, 9);
  });

  it('is not moved by a few diverged trials (ranks, not raw values)', () => {
    const r = rng(2);
    const lr = Array.from({ length: 200 }, () => r());
    const other = Array.from({ length: 200 }, () => r());
    const values = lr.map((x) => x);
    // Two trials diverged to huge losses, both at high `other`.
    values[0] = 1e9;
    other[0] = 0.99;
    values[1] = 1e9;
    other[1] = 0.98;
    const [top] = paramImportance({ columns: { lr, other }, values });
    expect(top!.name).toBe('lr');
  });

  it('says nothing before three results', () => {
    expect(paramImportance({ columns: { a: [1, 2] }, values: [1, 2] })).toEqual([
      { name: 'a', importance: 0, explained: 0 },
    ]);
  });
});

function trial(number: number, state: TrialState, value?: number, steps = 0): Trial {
  return {
    id: `sw-o-${number}`,
    sweepId: 'sw-o',
    number,
    state,
    params: { lr: 0.001 * (number + 1), net: { width: number % 2 ? 64 : 32 }, act: 'relu' },
    ...(value !== undefined && { value }),
    reports: Array.from({ length: steps }, (_, i) => ({
      step: i + 1,
      metrics: { loss: 1 / (i + 1) },
      at: i,
    })),
    ...(steps > 0 && { lastStep: steps }),
    ...(state === 'pruned' && {
      pruneReason: { rule: 'median', step: 2, value: 0.9, cutoff: 0.5, population: 4, rank: 4 },
    }),
    attempt: 1,
    createdAt: 0,
  };
}

const sweep = {
  id: 'sw-o',
  state: 'running',
  spec: {
    metric: { name: 'loss', goal: 'minimize' },
    parameters: {
      lr: { distribution: 'log_uniform_values', min: 1e-4, max: 1 },
      net: { parameters: { width: { distribution: 'categorical', values: [32, 64] } } },
      act: { distribution: 'constant', value: 'relu' },
    },
  },
} as unknown as SweepView;

describe('the sweep overview', () => {
  it('lists the search space dotted, constants left out, log scales marked', () => {
    expect(overviewParameters(sweep.spec.parameters)).toEqual([
      { name: 'lr', kind: 'number', log: true },
      { name: 'net.width', kind: 'category', categories: ['32', '64'] },
    ]);
  });

  it('holds the trials as columns, with why a trial was cut', () => {
    const trials = [
      trial(0, 'completed', 0.4, 3),
      trial(1, 'pruned', 0.9, 2),
      trial(2, 'running', undefined, 1),
    ];
    const o = buildOverview({ sweep, trials, curveTrials: trials, eventId: '7-0', at: 1 });
    expect(o.trials.number).toEqual([0, 1, 2]);
    expect(o.trials.params).toEqual({ lr: [0.001, 0.002, 0.003], 'net.width': ['32', '64', '32'] });
    expect(o.trials.reason).toEqual([null, 'median: 0.9 > 0.5 @ step 2 (n=4)', null]);
    expect(o.curves.series.map((c) => [c.number, c.steps.length, c.reason])).toEqual([
      [0, 3, undefined],
      [1, 2, 'median: 0.9 > 0.5 @ step 2 (n=4)'],
      [2, 1, undefined],
    ]);
    expect(o.importance).toEqual([]);
  });

  it('sends the curves of every active trial and the best, then an even spread, up to the limit', () => {
    const trials = Array.from({ length: 1000 }, (_, n) =>
      n % 100 === 7
        ? trial(n, 'running', undefined, 1)
        : trial(n, n % 3 ? 'pruned' : 'completed', n / 1000, 2),
    );
    const chosen = chooseCurves(trials, 'minimize', 60);
    expect(chosen).toHaveLength(60);
    expect(new Set(chosen).size).toBe(60);
    // The 10 running trials and the 20 best completed ones (lowest values: numbers 0, 3, 6, …).
    for (let n = 7; n < 1000; n += 100) expect(chosen).toContain(n);
    for (let n = 0; n < 60; n += 3) expect(chosen).toContain(n);
    // The rest spread over the whole sweep, not bunched at its start.
    expect(Math.max(...chosen)).toBeGreaterThan(900);
    expect(chosen).toEqual([...chosen].sort((a, b) => a - b));
  });
});

/** A small sweep overview, as the scheduler builds it, for the dashboard's pure logic. */
import type { SweepOverview, TrialState } from '@rung/shared';

export function makeOverview(
  rows: { state: TrialState; value: number | null; lr: number; opt: string }[],
  goal: 'minimize' | 'maximize' = 'minimize',
): SweepOverview {
  return {
    sweep: {
      id: 'sw-t',
      state: 'running',
      spec: { metric: { name: 'loss', goal } } as SweepOverview['sweep']['spec'],
      sampler: 'random',
      warnings: [],
      counts: {} as SweepOverview['sweep']['counts'],
      trials: rows.length,
      compute: { stepsRun: 0, stepsFull: 0, saved: 0 },
      gpuSeconds: 0,
      createdAt: 0,
    },
    parameters: [
      { name: 'lr', kind: 'number', log: true },
      { name: 'opt', kind: 'category', categories: ['adam', 'sgd'] },
    ],
    trials: {
      number: rows.map((_r, i) => i),
      state: rows.map((r) => r.state),
      value: rows.map((r) => r.value),
      lastStep: rows.map((r) => (r.value === null ? null : 5)),
      params: { lr: rows.map((r) => r.lr), opt: rows.map((r) => r.opt) },
      reason: rows.map((r) => (r.state === 'pruned' ? 'median: 1 > 0.5 @ step 1 (n=3)' : null)),
    },
    curves: { total: 0, limit: 300, series: [] },
    importance: [],
    eventId: '1-0',
    at: 0,
  };
}

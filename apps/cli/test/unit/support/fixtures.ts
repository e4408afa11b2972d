/** Sweep and trial views as the API returns them, for rendering and client tests. */
import type { SweepView, Trial, TrialState } from '@rung/shared';

const NO_TRIALS: Record<TrialState, number> = {
  queued: 0,
  running: 0,
  paused: 0,
  completed: 0,
  pruned: 0,
  failed: 0,
  cancelled: 0,
};

/** A running TPE sweep on `val_loss` (minimize) with a run cap of 20, overridable. */
export function makeSweep(
  overrides: Partial<Omit<SweepView, 'counts'>> & {
    counts?: Partial<Record<TrialState, number>>;
  } = {},
): SweepView {
  const { counts, ...rest } = overrides;
  const all = { ...NO_TRIALS, ...counts };
  return {
    id: 'sw-1',
    name: 'mnist-mlp',
    state: 'running',
    spec: {
      name: 'mnist-mlp',
      method: 'bayes',
      metric: { name: 'val_loss', goal: 'minimize' },
      parameters: {},
      pruner: {
        type: 'median',
        startup_trials: 5,
        warmup_steps: 0,
        interval_steps: 1,
        min_peers: 1,
      },
      trainer: { name: 'mlp', options: {} },
      parallelism: 4,
      run_cap: 20,
      seed: 7,
    },
    sampler: 'tpe',
    warnings: [],
    counts: all,
    trials: Object.values(all).reduce((a, b) => a + b, 0),
    compute: { stepsRun: 120, stepsFull: 400, saved: 0.7 },
    gpuSeconds: 0,
    createdAt: Date.UTC(2025, 0, 2, 3, 4, 5),
    ...rest,
  };
}

/** A trial of sweep `sw-1`, overridable. */
export function makeTrial(overrides: Partial<Trial> = {}): Trial {
  return {
    id: `sw-1-${overrides.number ?? 0}`,
    sweepId: 'sw-1',
    number: 0,
    state: 'completed',
    params: { lr: 0.003125, layers: 2 },
    reports: [],
    attempt: 1,
    createdAt: Date.UTC(2025, 0, 2, 3, 4, 6),
    ...overrides,
  };
}

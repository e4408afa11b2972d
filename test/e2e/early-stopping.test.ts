/**
 * Early stopping in real sweeps: the real scheduler and workers (processes), the built-in MLP
 * trained with TensorFlow.js under ASHA with promotion — paused trials resumed from their
 * checkpoints, their earlier epochs not run again — and a W&B `early_terminate` run as W&B's
 * hyperband.
 */
import { sobolPoints } from '@rung/search';
import type { SweepEvent, SweepView, Trial } from '@rung/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCluster, type TestCluster, waitFor } from '../support/cluster.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster(inject('redisUrl'), { workers: 2 });
});
afterAll(async () => {
  await cluster?.stop();
});

const get = async <T>(path: string): Promise<T> =>
  (await (await fetch(`${cluster.api}${path}`)).json()) as T;

async function finished(id: string): Promise<{ sweep: SweepView; trials: Trial[] }> {
  const sweep = await waitFor<SweepView>(
    `${cluster.api}/v1/sweeps/${id}`,
    (s) => s.state !== 'running',
    300_000,
    cluster.logs,
  );
  const { trials } = await get<{ trials: Trial[] }>(`/v1/sweeps/${id}/trials`);
  // Each trial with its attempts (how each ended).
  const full = await Promise.all(
    trials.map((t) => get<Trial>(`/v1/sweeps/${id}/trials/${t.number}`)),
  );
  return { sweep, trials: full };
}

describe('early stopping in real sweeps', () => {
  it('ASHA pauses MLP trials at rungs and resumes the promoted ones from their checkpoints', async () => {
    const sweep = await cluster.submit(`
method: grid
metric: { name: val_loss, goal: minimize }
parameters:
  learning_rate: { values: [0.05, 0.02, 0.00001] }
  hidden_units: { values: [16, 32, 64] }
  optimizer: { value: sgd }
pruner: { type: asha, min_steps: 1, eta: 2, max_steps: 4 }
trainer: { name: mlp, options: { epochs: 4 } }
parallelism: 2
`);
    const { sweep: done, trials } = await finished(sweep.id);
    expect(done.state, cluster.logs()).toBe('completed');
    expect(trials).toHaveLength(9);
    expect(
      trials.every((t) => ['completed', 'pruned'].includes(t.state)),
      JSON.stringify(trials),
    ).toBe(true);

    const { events } = await get<{ events: SweepEvent[] }>(
      `/v1/sweeps/${sweep.id}/events?limit=1000`,
    );
    const paused = events.filter((e) => e.type === 'trial.paused');
    expect(paused.length).toBeGreaterThanOrEqual(1);
    for (const e of paused) expect(e.type === 'trial.paused' && e.reason?.rule).toBe('asha');
    const resumed = events.filter((e) => e.type === 'trial.resumed');
    expect(resumed.length).toBeGreaterThanOrEqual(1);
    for (const e of resumed) {
      expect(e.type === 'trial.resumed' && e.reason).toMatchObject({ rule: 'asha' });
    }

    const completed = trials.filter((t) => t.state === 'completed');
    expect(completed.length).toBeGreaterThanOrEqual(1);
    for (const t of completed) expect(t.reports.map((r) => r.step)).toEqual([1, 2, 3, 4]);
    // A promoted trial: paused, then resumed by a later attempt that ran only the later epochs.
    const promoted = trials.filter((t) => t.attempts?.[0]?.endedBy === 'paused' && t.attempt > 1);
    expect(promoted.length, JSON.stringify(trials)).toBeGreaterThanOrEqual(1);
    for (const t of promoted) {
      const steps = t.reports.map((r) => r.step);
      expect(steps).toEqual(steps.map((_, i) => i + 1));
      const pausedAt = Math.max(
        ...events
          .filter((e) => e.type === 'trial.reported' && e.number === t.number && e.attempt === 1)
          .map((e) => (e.type === 'trial.reported' ? e.step : 0)),
      );
      const rerun = events.filter(
        (e) =>
          e.type === 'trial.reported' &&
          e.number === t.number &&
          e.attempt > 1 &&
          e.step <= pausedAt,
      );
      expect(rerun, `trial ${t.number} ran epochs again after pausing at ${pausedAt}`).toEqual([]);
    }
    // Trials never promoted end pruned, saying where they stood; the saving shows on the sweep.
    for (const t of trials.filter((x) => x.state === 'pruned')) {
      expect(t.pruneReason?.rule ?? t.error).toMatch(/asha|not promoted/);
    }
    expect(done.compute.stepsFull).toBe(9 * 4);
    expect(done.compute.stepsRun).toBeLessThan(9 * 4);
    expect(done.compute.saved).toBeGreaterThan(0);

    // Its cost: CPU-hours are the trials' own run times, every attempt (no GPU here), and the
    // hours saved are the steps not run at the sweep's mean cost of a step.
    const cost = (await (await fetch(`${cluster.api}/v1/sweeps/${sweep.id}/cost`)).json()) as {
      cpuHours: number;
      gpuHours: number;
      savedHours: number;
      savedShare: number;
      toWithin: unknown[];
    };
    const ownHours =
      trials.reduce(
        (h, t) =>
          h +
          (t.attempts ?? []).reduce(
            (ms, a) =>
              ms + ((a.attempt === t.attempt ? t.finishedAt : a.endedAt) ?? 0) - a.startedAt,
            0,
          ),
        0,
      ) / 3_600_000;
    expect(cost.gpuHours).toBe(0);
    expect(cost.cpuHours).toBeCloseTo(ownHours, 9);
    expect(cost.savedShare).toBeCloseTo(done.compute.saved, 9);
    expect(cost.savedHours).toBeCloseTo(
      ((done.compute.stepsFull - done.compute.stepsRun) * ownHours) / done.compute.stepsRun,
      9,
    );
    expect(cost.toWithin.length).toBe(3);
  });

  it("runs W&B's early_terminate as W&B's hyperband, with the reason on the trial", async () => {
    const sweep = await cluster.submit(`
method: grid
metric: { name: val_loss, goal: minimize }
parameters:
  x: { values: [0.5, 0.55, 0.6, 0.0, 1.0, 0.05] }
early_terminate: { type: hyperband, min_iter: 2, eta: 2 }
trainer: { name: sleep, options: { steps: 6, seconds_per_step: 0.1 } }
parallelism: 2
`);
    expect(sweep.warnings).toEqual([]);
    expect(sweep.spec.pruner).toMatchObject({ type: 'wandb_hyperband', min_iter: 2, eta: 2 });
    const { sweep: done, trials } = await finished(sweep.id);
    expect(done.state, cluster.logs()).toBe('completed');
    const pruned = trials.filter((t) => t.state === 'pruned');
    expect(pruned.length, JSON.stringify(trials)).toBeGreaterThanOrEqual(1);
    for (const t of pruned) {
      expect(t.pruneReason).toMatchObject({ rule: 'hyperband' });
      expect(t.pruneReason!.value).toBeGreaterThan(t.pruneReason!.cutoff);
    }
    expect(trials.some((t) => t.state === 'completed')).toBe(true);
  });

  it('runs GP-BO on the curves of trials paused at rungs (multi-fidelity), in the scheduler’s suggestion thread', async () => {
    const sweep = await cluster.submit(`
method: bayes
metric: { name: val_loss, goal: minimize }
parameters:
  learning_rate: { distribution: log_uniform_values, min: 0.00001, max: 0.1 }
  hidden_units: { value: 32 }
  optimizer: { value: sgd }
pruner: { type: asha, min_steps: 1, eta: 2, max_steps: 4 }
trainer: { name: mlp, options: { epochs: 4 } }
parallelism: 2
run_cap: 12
seed: 7
`);
    expect(sweep.sampler).toBe('gp');
    const { sweep: done, trials } = await finished(sweep.id);
    expect(done.state, cluster.logs()).toBe('completed');
    expect(trials.every((t) => ['completed', 'pruned'].includes(t.state))).toBe(true);
    expect(trials.some((t) => t.attempts?.[0]?.endedBy === 'paused')).toBe(true);
    // Past its startup design (5 Sobol points), the GP fitted on the curves chose the points: a
    // failure there would fall back to the design, or fail the sweep.
    const design = (n: number) => sobolPoints(1, 1, done.spec.seed, n)[0]![0]!;
    const unit = (t: Trial) => (Math.log10(t.params.learning_rate as number) + 5) / 4;
    const startup = trials.filter((t) => t.number < 5);
    for (const t of startup) expect(unit(t)).toBeCloseTo(design(t.number), 9);
    const modelled = trials.filter(
      (t) => t.number >= 5 && Math.abs(unit(t) - design(t.number)) > 1e-9,
    );
    expect(modelled.length).toBeGreaterThan(0);
  });
});

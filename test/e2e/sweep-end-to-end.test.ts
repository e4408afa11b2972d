/**
 * The whole system as a user runs it: the real scheduler and two real workers (processes), a sweep
 * submitted over REST, real TensorFlow.js training in trainer child processes, median pruning,
 * the leaderboard — and a trainer killed with SIGKILL mid-trial.
 */
import { execFileSync } from 'node:child_process';
import type { SweepView, Trial } from '@rung/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCluster, type TestCluster, waitFor } from '../support/cluster.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster(inject('redisUrl'), { workers: 2 });
});
afterAll(async () => {
  await cluster?.stop();
});

const submit = (yaml: string) => cluster.submit(yaml);

const trialsOf = async (id: string) =>
  (
    (await (await fetch(`${cluster.api}/v1/sweeps/${id}/trials`)).json()) as {
      trials: Trial[];
    }
  ).trials;

describe('a sweep end to end', () => {
  it('trains every trial, prunes the hopeless ones and ranks the rest', async () => {
    // Half the grid learns (lr 0.05), half cannot move (lr 1e-5 with SGD): once two trials have
    // completed, the stagnant ones are worse than the median at epoch 1 and must be pruned.
    const sweep = await submit(`
method: grid
metric: { name: val_loss, goal: minimize }
parameters:
  learning_rate: { values: [0.05, 0.00001] }
  hidden_units: { values: [16, 32, 64] }
  optimizer: { value: sgd }
pruner: { type: median, startup_trials: 2, warmup_steps: 0 }
trainer: { name: mlp, options: { epochs: 4 } }
parallelism: 2
`);
    const done = await waitFor<SweepView>(
      `${cluster.api}/v1/sweeps/${sweep.id}`,
      (s) => s.state !== 'running',
      240_000,
      cluster.logs,
    );
    expect(done.state).toBe('completed');
    expect(done.stopReason).toBe('grid_exhausted');
    const trials = await trialsOf(sweep.id);
    expect(trials).toHaveLength(6);
    expect(
      trials.every((t) => ['completed', 'pruned'].includes(t.state)),
      JSON.stringify(trials),
    ).toBe(true);
    // Both workers took part, and every trial says which tfjs backend trained it.
    expect(new Set(trials.map((t) => t.workerId)).size).toBe(2);
    expect(trials.every((t) => typeof t.backend === 'string')).toBe(true);

    const pruned = trials.filter((t) => t.state === 'pruned');
    expect(pruned.length).toBeGreaterThanOrEqual(1);
    for (const t of pruned) {
      expect(t.params.learning_rate).toBe(0.00001);
      expect(t.pruneReason?.rule).toBe('median');
      expect(t.pruneReason!.value).toBeGreaterThan(t.pruneReason!.cutoff);
      // Stopped at the report it was judged on: nothing trained after the decision. (Which step
      // that is depends on when the first two trials complete, up to the last one.)
      expect(t.reports.at(-1)?.step).toBe(t.pruneReason!.step);
    }
    const completed = trials.filter((t) => t.state === 'completed');
    for (const t of completed) expect(t.reports.map((r) => r.step)).toEqual([1, 2, 3, 4]);

    const board = (await (
      await fetch(`${cluster.api}/v1/sweeps/${sweep.id}/leaderboard?limit=10`)
    ).json()) as {
      trials: { number: number; value: number }[];
    };
    const values = board.trials.map((t) => t.value);
    expect(values).toHaveLength(completed.length);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(done.best?.value).toBe(values[0]);
  });

  it('records a trainer killed with SIGKILL as failed and goes on with the sweep', async () => {
    const sweep = await submit(`
method: random
parameters:
  learning_rate: { values: [0.01] }
  hidden_units: { values: [32] }
trainer: { name: mlp, options: { epochs: 40 } }
parallelism: 1
run_cap: 2
`);
    // Wait until trial 0 is training (it has reported), then kill its trainer process.
    await waitFor<{ trials: Trial[] }>(
      `${cluster.api}/v1/sweeps/${sweep.id}/trials`,
      (b) => (b.trials[0]?.reports.length ?? 0) >= 1,
      60_000,
      cluster.logs,
    );
    const victim = (await trialsOf(sweep.id))[0]!;
    const worker = cluster.workers[Number(victim.workerId!.slice(1))]!;
    // The trial's process names itself; the worker's other child is the spare waiting for a trial.
    const children = execFileSync('pgrep', [
      '-P',
      String(worker.pid),
      '-f',
      `rung-trial ${victim.id}$`,
    ])
      .toString()
      .trim()
      .split('\n');
    expect(children).toHaveLength(1);
    process.kill(Number(children[0]), 'SIGKILL');

    const done = await waitFor<SweepView>(
      `${cluster.api}/v1/sweeps/${sweep.id}`,
      (s) => s.state !== 'running',
      120_000,
      cluster.logs,
    );
    const [killed, next] = await trialsOf(sweep.id);
    expect(killed?.state).toBe('failed');
    expect(killed?.error).toMatch(/SIGKILL/);
    expect(next?.state).toBe('completed');
    expect(done).toMatchObject({ state: 'completed', stopReason: 'run_cap' });
    expect(done.counts).toMatchObject({ failed: 1, completed: 1 });
  });
});

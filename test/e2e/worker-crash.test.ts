/**
 * At-least-once delivery, exactly-once effect: a worker killed with SIGKILL mid-trial stops
 * heartbeating, the scheduler queues its trial again, the other worker takes it, and the trial
 * goes on under a new attempt from its last checkpoint — counted once, never lost, no epoch
 * trained or reported twice. The dead worker's job lock (30 s) plays no part.
 */
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

describe('a worker killed mid-trial', () => {
  it('has its trial resumed from its checkpoint by another worker, and counted once', async () => {
    const res = await fetch(`${cluster.api}/v1/sweeps`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: `
method: random
parameters:
  learning_rate: { values: [0.01] }
trainer: { name: mlp, options: { epochs: 12, samples: 1500 } }
parallelism: 1
run_cap: 1
`,
    });
    const { sweep } = (await res.json()) as { sweep: SweepView };
    const trialsUrl = `${cluster.api}/v1/sweeps/${sweep.id}/trials`;
    const { trials } = await waitFor<{ trials: Trial[] }>(
      trialsUrl,
      (b) => (b.trials[0]?.reports.length ?? 0) >= 2,
      60_000,
      cluster.logs,
    );
    const first = trials[0]!;
    const victimIndex = Number(first.workerId!.slice(1));
    cluster.workers[victimIndex]!.kill('SIGKILL');
    const killedAt = Date.now();

    const done = await waitFor<SweepView>(
      `${cluster.api}/v1/sweeps/${sweep.id}`,
      (s) => s.state !== 'running',
      90_000,
      cluster.logs,
    );
    const trial = (await (await fetch(`${trialsUrl}/0`)).json()) as Trial;
    expect(trial.state).toBe('completed');
    expect(trial.attempt).toBe(2);
    expect(trial.workerId).toBe(`w${1 - victimIndex}`);
    // The curve goes on where the checkpoint left it: every epoch once, none missing.
    expect(trial.reports.map((r) => r.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(trial.checkpoint).toMatchObject({ step: 12, attempt: 2 });
    // The epochs up to the checkpoint were kept from the first attempt, not trained again.
    const [killed, retried] = trial.attempts!;
    // Retried because its worker was lost, not because BullMQ's lock on the dead job lapsed.
    expect(killed).toMatchObject({
      endedBy: 'lost',
      error: `worker w${victimIndex} stopped heartbeating`,
    });
    expect(trial.retries).toBe(1);
    console.log(`worker kill -9 → trial running again: ${retried!.startedAt - killedAt} ms`);
    const kept = trial.reports.filter((r) => r.at < retried!.startedAt);
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept).toEqual(killed!.reports.slice(0, kept.length));
    expect(cluster.logs()).toMatch(/resuming from checkpoint/);
    expect(done).toMatchObject({ state: 'completed', stopReason: 'run_cap' });
    expect(done.counts).toMatchObject({ completed: 1, running: 0, failed: 0 });
  });
});

/**
 * Fills a store with finished trials fast: the store's own scripts, sent without waiting for each
 * answer (ioredis pipelines them on the connection, in order), so the records are exactly what a
 * real sweep leaves behind.
 */
import type { StepValue } from '@rung/search';
import type { SweepSpec } from '@rung/shared';
import type { RedisStore } from '@rung/store';

/** A random sweep over two parameters whose trials report val_loss. */
export function scaleSpec(parallelism: number, runCap: number): SweepSpec {
  return {
    method: 'random',
    metric: { name: 'val_loss', goal: 'minimize' },
    parameters: {
      x: { distribution: 'uniform', min: 0, max: 1 },
      y: { distribution: 'uniform', min: 0, max: 1 },
    },
    pruner: { type: 'median', startup_trials: 5, warmup_steps: 0, interval_steps: 1, min_peers: 1 },
    trainer: { name: 'sleep', options: {} },
    parallelism,
    run_cap: runCap,
    seed: 1,
  };
}

/**
 * Adds finished trials to a sweep until it has `total` (created, started, completed — with a
 * `curve` of `steps` losses when asked, which also fills the step peers).
 */
export async function seedFinished(
  store: RedisStore,
  sweepId: string,
  total: number,
  options: { steps?: number; batch?: number } = {},
): Promise<void> {
  const batch = options.batch ?? 2000;
  const steps = options.steps ?? 0;
  let next = (await store.sweepStatus(sweepId))!.trials;
  while (next < total) {
    const numbers = Array.from({ length: Math.min(batch, total - next) }, (_, i) => next + i);
    const now = Date.now();
    await Promise.all(
      numbers.map((number) =>
        store.createTrial(sweepId, {
          number,
          params: { x: 0.5, y: 0.5 },
          point: [0.5, 0.5],
          now,
          fence: 0,
        }),
      ),
    );
    const starts = await Promise.all(
      numbers.map((number) =>
        store.startTrial(sweepId, number, { workerId: 'seed', jobId: 'seed', now }),
      ),
    );
    await Promise.all(
      numbers.map((number, i) => {
        const start = starts[i]!;
        if (!start.ok) throw new Error(`seed: trial ${number} not started (${start.state})`);
        const final = 0.1 + ((number * 7919) % 1000) / 1000;
        const curve: StepValue[] = Array.from({ length: steps }, (_, s) => ({
          step: s + 1,
          loss: final + 1 / (s + 1),
        }));
        return store.finishTrial(sweepId, number, start.attempt, {
          state: 'completed',
          value: final,
          now,
          curve,
        });
      }),
    );
    next += numbers.length;
  }
}

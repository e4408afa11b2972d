/**
 * Cancelling a big sweep, at its worst: 50,000 trials all still queued, each with its job in the
 * queue. Since a sweep holds at most its parallelism in flight, a real sweep never gets here; what
 * took ~6 minutes before issue #7 must take seconds.
 */
import { createLogger, type TrialJob, trialJobId } from '@rung/shared';
import { RedisStore } from '@rung/store';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { InlineSuggester, SweepScheduler } from '../../apps/scheduler/src/index.js';
import { scaleSpec } from './seed.js';
import { round } from './stats.js';

export interface CancelFigures {
  trials: number;
  seconds: number;
  cancelled: number;
  jobsLeft: number;
}

export async function measureCancel(redisUrl: string, trials = 50_000): Promise<CancelFigures> {
  const prefix = `scale-cancel-${Date.now()}:`;
  const seeder = new Redis(redisUrl, { enableAutoPipelining: true });
  const seedStore = new RedisStore(seeder, { prefix });
  const queueConnection = new Redis(redisUrl);
  const queue = new Queue<TrialJob>('cancel', {
    connection: queueConnection,
    prefix: `${prefix}bull`,
  });
  const sweepId = 'sw-cancel';
  const spec = scaleSpec(trials, trials);
  await seedStore.createSweep({
    id: sweepId,
    spec,
    sampler: 'random',
    warnings: [],
    now: Date.now(),
  });
  for (let from = 0; from < trials; from += 1000) {
    const numbers = Array.from({ length: Math.min(1000, trials - from) }, (_, i) => from + i);
    await Promise.all(
      numbers.map((number) =>
        seedStore.createTrial(sweepId, {
          number,
          params: { x: 0.5 },
          point: [0.5],
          now: Date.now(),
          fence: 0,
        }),
      ),
    );
    await queue.addBulk(
      numbers.map((number) => {
        const trialId = `${sweepId}-${number}`;
        const data: TrialJob = {
          sweepId,
          number,
          trialId,
          trainer: spec.trainer,
          params: { x: 0.5 },
          seed: 1,
        };
        return { name: 'trial', data, opts: { jobId: trialJobId(trialId, 0) } };
      }),
    );
  }
  const redis = new Redis(redisUrl);
  const store = new RedisStore(redis, { prefix });
  const scheduler = new SweepScheduler({
    store,
    queueFor: () => queue,
    suggester: new InlineSuggester(),
    logger: createLogger('bench', 'silent'),
  });
  try {
    const t0 = performance.now();
    await scheduler.cancel(sweepId);
    const seconds = (performance.now() - t0) / 1000;
    const status = await store.sweepStatus(sweepId);
    return {
      trials,
      seconds: round(seconds, 1),
      cancelled: status?.counts.cancelled ?? 0,
      jobsLeft: await queue.count(),
    };
  } finally {
    await queue.close();
    queueConnection.disconnect();
    await store.close();
    redis.disconnect();
    await seedStore.close();
    seeder.disconnect();
  }
}

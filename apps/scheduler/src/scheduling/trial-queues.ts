/**
 * The BullMQ queues the scheduler puts trials on: the base queue, and one per GPU share that
 * sweeps ask for (see `trialQueueName`), opened when first needed, over one connection.
 */
import { GPU_SHARES, type ResourceSpec, type TrialJob, trialQueueName } from '@rung/shared';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export class TrialQueues {
  private readonly queues = new Map<string, Queue<TrialJob>>();

  constructor(
    private readonly base: string,
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  /** The queue of trials that need `resources`. */
  for(resources: ResourceSpec | undefined): Queue<TrialJob> {
    const name = trialQueueName(this.base, resources);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<TrialJob>(name, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: {
          // A job fails only on infrastructure errors (a trainer's failure is a trial state, not
          // a job failure), so a few retries with backoff ride out a Redis blip.
          attempts: 3,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { age: 3600, count: 10_000 },
          removeOnFail: { age: 24 * 3600 },
        },
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Jobs waiting, active and delayed on every queue (the base one and each GPU share's). */
  async depth(): Promise<{ queue: string; state: string; jobs: number }[]> {
    const all = [undefined, ...GPU_SHARES.map((gpus) => ({ gpus }))].map((r) => this.for(r));
    const counts = await Promise.all(
      all.map((q) => q.getJobCounts('waiting', 'active', 'delayed')),
    );
    return all.flatMap((q, i) =>
      Object.entries(counts[i]!).map(([state, jobs]) => ({ queue: q.name, state, jobs })),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

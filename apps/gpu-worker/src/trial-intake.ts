/**
 * How a worker takes trials: a BullMQ worker on the base queue, and — with GPUs — one on each GPU
 * share's queue (`rung-trials-gpu0.5`, …), each taking at most as many jobs as such trials fit on
 * the idle worker. Each job is placed (placement.ts) before it runs, and waits its turn there
 * when the GPUs it needs are busy with trials from the other queues.
 *
 * Not done: pausing a queue's worker while its trials do not fit. BullMQ may still hand a paused
 * worker the job it was already fetching, which it then leaves locked until the lock lapses
 * (30 s, measured in the GPU end-to-end test); so a worker can hold a job it cannot start yet
 * while another worker has room for it.
 */
import {
  GPU_SHARES,
  type Logger,
  type ResourceSpec,
  type TrialJob,
  trialQueueName,
} from '@rung/shared';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Placement, PlacementLease } from './placement/placement.js';

export interface TrialIntakeOptions {
  /** The base queue's name. */
  queue: string;
  prefix: string;
  /** A new connection per BullMQ worker (each blocks on its own). */
  connect: () => Redis;
  placement: Placement;
  /** Runs a placed trial; its lease is released when the promise settles. */
  run: (job: Job<TrialJob>, lease: PlacementLease) => Promise<string>;
  /** Ends a trial that can never run on this worker (it asks for more than it has). */
  refuse: (job: Job<TrialJob>, reason: string) => Promise<string>;
  logger: Logger;
  lockMs: number;
}

export class TrialIntake {
  private readonly workers: Worker<TrialJob>[] = [];

  constructor(private readonly opts: TrialIntakeOptions) {
    const { placement } = opts;
    const shares = placement.hasGpus
      ? GPU_SHARES.filter((gpus) => placement.neverFits({ gpus }) === undefined)
      : [];
    const slots = placement.standingSlots.length;
    this.open(undefined, slots);
    for (const gpus of shares) {
      // As many as fit on an idle worker: eight eighth-GPU trials per GPU, one 2-GPU per pair.
      this.open({ gpus }, Math.max(1, Math.floor(slots / gpus)));
    }
  }

  /** The queues it serves. */
  get queues(): string[] {
    return this.workers.map((w) => w.name);
  }

  isRunning(): boolean {
    return this.workers.every((w) => w.isRunning());
  }

  /** Stops taking jobs; with `force`, without waiting for the running ones. */
  async close(force = false): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close(force)));
  }

  private open(request: ResourceSpec | undefined, concurrency: number): void {
    const { placement } = this.opts;
    const worker = new Worker<TrialJob>(
      trialQueueName(this.opts.queue, request),
      async (job) => {
        const asked = job.data.resources;
        const never = placement.neverFits(asked);
        if (never) return this.opts.refuse(job, `the trial cannot run on this worker: ${never}`);
        const lease = await placement.acquire(asked);
        try {
          return await this.opts.run(job, lease);
        } finally {
          placement.release(lease);
        }
      },
      {
        connection: this.opts.connect(),
        prefix: this.opts.prefix,
        concurrency,
        // A killed worker's jobs come back after the lock lapses; allow a few such crashes per trial.
        maxStalledCount: 5,
        lockDuration: this.opts.lockMs,
        stalledInterval: this.opts.lockMs,
      },
    );
    worker.on('error', (err) => this.opts.logger.error({ err }, 'worker error'));
    this.workers.push(worker);
  }

  /** Calls `listener` for each job that failed for good or for now (an infrastructure error). */
  onFailed(listener: (job: Job<TrialJob> | undefined, err: Error) => void): void {
    for (const w of this.workers) w.on('failed', listener);
  }
}

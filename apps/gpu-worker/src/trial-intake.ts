/**
 * How a worker takes trials: a BullMQ worker on the base queue, and — with GPUs — one on each GPU
 * share's queue (`rung-trials-gpu0.5`, …). Each job is placed (placement.ts) before it runs; a
 * queue's worker takes jobs only while a trial of its kind would fit now, so a worker does not
 * hold jobs it cannot run while another worker could.
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

interface Intake {
  worker: Worker<TrialJob>;
  /** What one of its trials asks for (a base-queue job may also ask for CPUs). */
  request: ResourceSpec | undefined;
  paused: boolean;
}

export class TrialIntake {
  private readonly intakes: Intake[] = [];
  private closing = false;

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
    return this.intakes.map((i) => i.worker.name);
  }

  isRunning(): boolean {
    return this.intakes.every((i) => i.worker.isRunning());
  }

  /**
   * Takes jobs only from the queues whose trials fit now. Called after each placement or release;
   * on a worker without GPUs the base queue's concurrency is its slot count, so it is left alone.
   */
  gate(): void {
    if (this.closing || !this.opts.placement.hasGpus) return;
    for (const intake of this.intakes) {
      const fits = this.opts.placement.fitsNow(intake.request);
      if (fits === !intake.paused) continue;
      intake.paused = !fits;
      const change = fits ? intake.worker.resume() : intake.worker.pause(true);
      void change.catch((err) => this.opts.logger.warn({ err }, 'cannot pause or resume intake'));
    }
  }

  /** Stops taking jobs; with `force`, without waiting for the running ones. */
  async close(force = false): Promise<void> {
    this.closing = true;
    await Promise.all(this.intakes.map((i) => i.worker.close(force)));
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
    this.intakes.push({ worker, request, paused: false });
  }

  /** Calls `listener` for each job that failed for good or for now (an infrastructure error). */
  onFailed(listener: (job: Job<TrialJob> | undefined, err: Error) => void): void {
    for (const i of this.intakes) i.worker.on('failed', listener);
  }
}

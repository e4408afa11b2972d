/**
 * The leader's loop. It follows the event logs of every live sweep (one blocking read for all of
 * them, plus the index of new sweeps), and reconciles only the sweeps whose logs moved — plus the
 * sweeps that wanted more slots than they had, when a slot frees anywhere. Around it: fair shares
 * recomputed from the workers' heartbeats, the trials of workers whose heartbeat lapsed run again,
 * max_duration deadlines, and a slow pass over every live sweep for safety (jobs lost between
 * creating a trial and enqueueing it, orphaned trials).
 */
import type { Logger } from '@rung/shared';
import type { Store } from '@rung/store';
import { fairShares } from './fair-share.js';
import type { SweepScheduler } from './sweep-scheduler.js';

export interface SchedulingLoopOptions {
  store: Store;
  scheduler: SweepScheduler;
  logger: Logger;
  /** @defaultValue Date.now */
  clock?: () => number;
  /** Longest wait on the logs before timers are looked at. @defaultValue 1000 */
  followBlockMs?: number;
  /** Interval of the slow pass over every live sweep. @defaultValue 30000 */
  safetyPassMs?: number;
  /**
   * Interval at which the workers' heartbeats are read: the cluster's slots, and which workers
   * are gone (their trials are retried). @defaultValue 1000
   */
  capacityMs?: number;
  /**
   * After the scheduler's own Redis calls fail, workers' heartbeats are not judged for this long:
   * they could not heartbeat either. @defaultValue 5000
   */
  outageGraceMs?: number;
}

export class SchedulingLoop {
  private running = false;
  private done: Promise<void> = Promise.resolve();
  private readonly clock: () => number;
  /** Sweeps to reconcile, in the order they asked (a Set keeps first-asked order). */
  private readonly dirty = new Set<string>();
  /** Sweeps that wanted more slots than their share: reconsidered whenever a slot frees. */
  private readonly wanting = new Set<string>();
  private indexPosition = '0-0';
  private capacity = Number.POSITIVE_INFINITY;
  private retryAt = 0;
  /** When a step last failed (Redis away, most likely). */
  private failedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: SchedulingLoopOptions) {
    this.clock = opts.clock ?? Date.now;
  }

  /** Starts leading with this term's fencing token. */
  start(fence: number): void {
    if (this.running) return;
    this.running = true;
    this.opts.scheduler.fence = fence;
    this.done = this.run().catch((err) => {
      this.opts.logger.error({ err }, 'scheduling loop failed');
    });
  }

  /** Stops leading: the loop ends after its current step and forgets every sweep. */
  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    this.opts.scheduler.dropAll();
    this.dirty.clear();
    this.wanting.clear();
  }

  /** Asks for a sweep to be reconciled soon (e.g. the API just created it on this replica). */
  touch(sweepId: string): void {
    this.dirty.add(sweepId);
  }

  private async run(): Promise<void> {
    const { store, scheduler, logger } = this.opts;
    const followMs = this.opts.followBlockMs ?? 1000;
    const safetyMs = this.opts.safetyPassMs ?? 30_000;
    const capacityMs = this.opts.capacityMs ?? 1000;
    this.indexPosition = await store.lastEventId();
    let nextSafety = 0;
    let nextCapacity = 0;
    while (this.running) {
      try {
        const now = this.clock();
        if (now >= nextCapacity) {
          await this.refreshCapacity();
          nextCapacity = now + capacityMs;
        }
        if (now >= nextSafety) {
          const first = nextSafety === 0;
          await this.safetyPass();
          nextSafety = this.clock() + safetyMs;
          if (first) {
            logger.info(
              { sweeps: scheduler.live.size, ms: this.clock() - now },
              'live sweeps loaded',
            );
          }
        }
        for (const runtime of scheduler.live.values()) {
          if (runtime.timedOut(now)) this.dirty.add(runtime.id);
        }
        await this.drain();
        const waitMs = this.dirty.size > 0 ? Math.max(1, this.retryAt - this.clock()) : followMs;
        await this.follow(Math.min(waitMs, followMs, Math.max(1, nextSafety - this.clock())));
      } catch (err) {
        this.failedAt = this.clock();
        logger.error({ err }, 'scheduling step failed');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Reconciles the dirty sweeps (round robin), unless the rate limiter asks to wait. */
  private async drain(): Promise<void> {
    if (this.clock() < this.retryAt) return;
    const { scheduler, logger } = this.opts;
    const batch = [...this.dirty];
    this.dirty.clear();
    this.recomputeShares();
    for (const [i, id] of batch.entries()) {
      if (!this.running) return;
      try {
        const result = await scheduler.reconcile(id, true);
        if (result.wanting) this.wanting.add(id);
        else this.wanting.delete(id);
        if (result.retryInMs > 0) {
          // Out of trial-creation tokens: this sweep and the rest wait their turn, in order.
          this.retryAt = this.clock() + result.retryInMs;
          for (const rest of batch.slice(i)) this.dirty.add(rest);
          return;
        }
      } catch (err) {
        // Redis away, most likely: try this sweep again in a second rather than at the next
        // safety pass.
        logger.error({ err, sweepId: id }, 'reconcile failed');
        this.dirty.add(id);
        this.retryAt = Math.max(this.retryAt, this.clock() + 1000);
      }
    }
  }

  /** One wait on every followed log; what arrives marks sweeps dirty. */
  private async follow(blockMs: number): Promise<void> {
    const { store, scheduler } = this.opts;
    const sweeps: Record<string, string> = {};
    for (const [id, runtime] of scheduler.live) sweeps[id] = runtime.position;
    const got = await store.follow({ index: this.indexPosition, sweeps }, blockMs);
    this.indexPosition = got.positions.index;
    for (const id of got.createdSweeps) {
      if (await scheduler.ensure(id)) this.dirty.add(id);
    }
    let freed = false;
    for (const event of got.events) {
      const runtime = scheduler.apply(event);
      if (!runtime) continue;
      // A created or started trial changes nothing to decide; the rest may.
      if (event.type === 'trial.created' || event.type === 'trial.started') continue;
      if (event.type === 'trial.reported') continue;
      this.dirty.add(event.sweepId);
      if (event.type === 'trial.finished' || event.type === 'trial.paused') freed = true;
    }
    if (freed) for (const id of this.wanting) this.dirty.add(id);
  }

  /** Every live sweep: held (rebuilt if needed), its active trials checked, reconciled. */
  private async safetyPass(): Promise<void> {
    const { store, scheduler, logger } = this.opts;
    const live = new Set(await store.liveSweepIds());
    for (const id of scheduler.live.keys()) if (!live.has(id)) scheduler.drop(id);
    for (const id of live) {
      try {
        await scheduler.checkActiveTrials(id);
        this.dirty.add(id);
      } catch (err) {
        logger.error({ err, sweepId: id }, 'safety check failed');
      }
    }
  }

  private async refreshCapacity(): Promise<void> {
    const now = this.clock();
    const workers = await this.opts.store.liveWorkers(now);
    if (now - this.failedAt >= (this.opts.outageGraceMs ?? 5000)) {
      await this.opts.scheduler.retryLost(new Map(workers.map((w) => [w.workerId, w])));
    }
    // Before any worker has announced itself the cluster's size is unknown: no sweep is held back.
    this.capacity =
      workers.length === 0
        ? Number.POSITIVE_INFINITY
        : workers.reduce((sum, w) => sum + w.slots, 0);
  }

  private recomputeShares(): void {
    const requests = [...this.opts.scheduler.live.values()].map((r) => ({
      id: r.id,
      demand: r.demand(),
      weight: r.spec.parallelism,
      size: r.spec.resources?.gpus ?? 1,
    }));
    this.opts.scheduler.setShares(fairShares(requests, this.capacity));
  }
}

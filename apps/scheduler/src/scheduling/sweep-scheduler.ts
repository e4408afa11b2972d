/**
 * Keeps each live sweep at its share of the cluster's slots, and ends sweeps at their run_cap,
 * grid exhaustion, max_duration or metric target.
 *
 * Incremental: a sweep's memory (`SweepRuntime`) is built once from the records and extended
 * from its event log; reconciling a sweep reads only its status (one call) before deciding
 * whether anything is to be done, so its cost does not grow with the sweep's history. The leader
 * (scheduling-loop.ts) decides *when* to reconcile which sweep; tests call `reconcile` directly.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { type Params, type PruneReason, rungName } from '@rung/search';
import {
  DEFAULT_MAX_RETRIES,
  type Logger,
  type ResourceSpec,
  type SweepEvent,
  type SweepSpec,
  type Trial,
  type TrialJob,
  traceparentField,
  tracer,
  trialJobId,
  trialSeed,
} from '@rung/shared';
import { type Store, trialId } from '@rung/store';
import type { Queue } from 'bullmq';
import { RateLimiter } from './rate-limiter.js';
import type { SuggestResult } from './sampler-host.js';
import type { Suggester } from './suggester.js';
import { SweepRuntime } from './sweep-runtime.js';

/** What the scheduler needs of the job queue (BullMQ's `Queue`). */
export type TrialQueue = Pick<Queue<TrialJob>, 'addBulk' | 'getJobState' | 'remove'>;

export interface SchedulerOptions {
  store: Store;
  /** The queue of a sweep's trials, by what they need of a worker (see `trialQueueName`). */
  queueFor: (resources: ResourceSpec | undefined) => TrialQueue;
  suggester: Suggester;
  logger: Logger;
  /** @defaultValue Date.now — injectable so tests can move time. */
  clock?: () => number;
  /** Called with the time each suggestion took, in ms (for metrics). */
  onSuggest?: (sampler: string, ms: number) => void;
  /** Trials created per second at most, over all sweeps. @defaultValue 200 */
  maxTrialsPerSecond?: number;
  /** The price of a GPU-hour, for sweeps with a `budget.cost` (`RUNG_GPU_HOUR_PRICE`). */
  gpuHourPrice?: number;
  /**
   * A running trial whose job is gone is failed once it has run this long (a job may be between
   * workers for a moment). @defaultValue 30000
   */
  orphanGraceMs?: number;
}

/** What reconciling a sweep left to do later. */
export interface ReconcileResult {
  /** The sweep wants more trials than its share or the rate allowed now. */
  wanting: boolean;
  /** Milliseconds until the rate limiter allows another trial (0: not rate-limited). */
  retryInMs: number;
}

const DONE: ReconcileResult = { wanting: false, retryInMs: 0 };

export class SweepScheduler {
  private readonly runtimes = new Map<string, SweepRuntime>();
  private readonly clock: () => number;
  private readonly limiter: RateLimiter;
  /** Slots per sweep (fair shares); a sweep without one may use its whole parallelism. */
  private shares = new Map<string, number>();
  /** The fencing token of the leader's term; trials created with an older one are refused. */
  fence = 0;
  /** Whether the scheduler may still create trials (false once its leadership is lost). */
  mayCreate: () => boolean = () => true;

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock ?? Date.now;
    this.limiter = new RateLimiter(opts.maxTrialsPerSecond ?? 200, this.clock);
  }

  /** The runtimes held now (for the loop's bookkeeping and tests). */
  get live(): ReadonlyMap<string, SweepRuntime> {
    return this.runtimes;
  }

  /** Sets each sweep's fair share of the slots (see fair-share.ts). */
  setShares(shares: Map<string, number>): void {
    this.shares = shares;
  }

  /** The runtime of a live sweep, built from its records if not held yet; undefined if not live. */
  async ensure(sweepId: string): Promise<SweepRuntime | undefined> {
    const held = this.runtimes.get(sweepId);
    if (held && !held.stale) return held;
    const sweep = await this.opts.store.getSweep(sweepId);
    if (!sweep || (sweep.state !== 'running' && sweep.state !== 'paused')) {
      this.drop(sweepId);
      return undefined;
    }
    const runtime = held ?? new SweepRuntime(sweep);
    // The log's position is read before the records, so nothing that happens between is missed.
    const position = await this.opts.store.lastEventId(sweepId);
    const trials = [];
    for (let after = -1; ; ) {
      const page = await this.opts.store.listTrials(sweepId, { after, limit: 1000 });
      trials.push(...page);
      if (page.length < 1000) break;
      after = page.at(-1)!.number;
    }
    runtime.rebuild(trials, position, sweep.state === 'paused');
    this.runtimes.set(sweepId, runtime);
    return runtime;
  }

  /** Applies an entry of a followed log. Returns the sweep's runtime when it holds one. */
  apply(event: SweepEvent): SweepRuntime | undefined {
    const runtime = this.runtimes.get(event.sweepId);
    runtime?.apply(event);
    return runtime;
  }

  /** Reads what the sweep's log holds beyond the runtime's position, and applies it. */
  private async catchUp(runtime: SweepRuntime): Promise<void> {
    for (;;) {
      const events = await this.opts.store.readEvents(runtime.id, runtime.position, 1000);
      for (const e of events) runtime.apply(e);
      if (events.length < 1000) return;
    }
  }

  /**
   * Brings one sweep in line with its spec: end it if it is done, enqueue trials that wait for a
   * job, and create trials for its free slots.
   * @param caughtUp the caller has just applied the sweep's log (the loop); else it is read here.
   */
  async reconcile(sweepId: string, caughtUp = false): Promise<ReconcileResult> {
    const { store, logger } = this.opts;
    let runtime = await this.ensure(sweepId);
    if (!runtime) return DONE;
    if (!caughtUp) await this.catchUp(runtime);
    if (runtime.stale) runtime = await this.ensure(sweepId);
    if (!runtime || runtime.ended) {
      this.drop(sweepId);
      return DONE;
    }
    const status = await store.sweepStatus(sweepId);
    if (!status || (status.state !== 'running' && status.state !== 'paused')) {
      this.drop(sweepId);
      return DONE;
    }
    if (status.state === 'paused') return DONE;
    const now = this.clock();
    if (runtime.timedOut(now)) return this.stop(runtime, 'max_duration');
    if (budgetSpent(runtime.spec, status.gpuSeconds, this.opts.gpuHourPrice)) {
      return this.stop(runtime, 'budget');
    }
    if (runtime.targetReached()) return this.stop(runtime, 'target_reached');

    await this.enqueueWaiting(runtime);
    const { queued, running, paused } = status.counts;
    let inFlight = queued + running;
    let created = status.trials;
    const slots = Math.min(runtime.spec.parallelism, this.shares.get(sweepId) ?? Infinity);
    if (paused > 0 && runtime.promoter) {
      // A freed slot first promotes the best paused trial that qualifies (ASHA's get_job).
      const last = created >= runtime.cap || runtime.exhausted;
      inFlight += await this.promote(runtime, slots - inFlight, last);
      if (last && inFlight === 0) {
        await this.pruneUnpromoted(runtime);
        return DONE;
      }
    }
    if ((created >= runtime.cap || runtime.exhausted) && inFlight + paused === 0) {
      // A grid's cap is its size unless run_cap is smaller: then the cap, not the grid, ended it.
      const { spec } = runtime;
      const gridDone =
        runtime.exhausted ||
        (spec.method === 'grid' && !(spec.run_cap !== undefined && created >= spec.run_cap));
      await this.finish(runtime, gridDone ? 'grid_exhausted' : 'run_cap');
      return DONE;
    }
    if (runtime.exhausted) return DONE;
    const wanted = Math.min(slots - inFlight, runtime.cap - created);
    if (wanted <= 0)
      return { wanting: slots < runtime.spec.parallelism && created < runtime.cap, retryInMs: 0 };
    const granted = this.limiter.take(wanted);

    const jobs: TrialJob[] = [];
    try {
      for (let i = 0; i < granted; i++) {
        if (!this.mayCreate()) break;
        const point = await this.suggest(runtime, created);
        if (point === null) {
          runtime.exhausted = true;
          break;
        }
        const params = runtime.space.decode(point);
        const result = await store.createTrial(sweepId, {
          number: created,
          params,
          point,
          now: this.clock(),
          fence: this.fence,
        });
        if (result !== 'created') {
          // Another scheduler took the number, the sweep ended, or a newer leader fenced us off.
          logger.warn({ sweepId, number: created, result }, 'trial not created');
          break;
        }
        runtime.pending.set(created, point);
        jobs.push(this.jobOf(runtime, created, params));
        logger.info({ sweepId, trialId: trialId(sweepId, created), params }, 'trial queued');
        created += 1;
      }
    } finally {
      await this.enqueue(sweepId, jobs, 0);
    }
    const short = granted < wanted;
    return {
      wanting: short || slots < runtime.spec.parallelism,
      retryInMs: short ? this.limiter.waitMs() : 0,
    };
  }

  /**
   * Resumes up to `free` paused trials that their rungs now promote, best first; their jobs are
   * enqueued at once (each a new attempt, which resumes from the trial's checkpoint). Returns how
   * many were resumed. Each round reads, in one call, where the best paused trial of each rung
   * stands in it (O(log n) a rung), so a freed slot costs the same at any sweep size.
   */
  private async promote(runtime: SweepRuntime, free: number, draining: boolean): Promise<number> {
    const promoter = runtime.promoter!;
    const { store, logger } = this.opts;
    const skipped = new Set<number>();
    let resumed = 0;
    while (resumed < free) {
      const best = bestPausedByRung(runtime.pausedTrials, skipped);
      if (best.size === 0) break;
      const asks = [...best].map(([name, b]) => ({ name, value: b.value }));
      const counts = await store.rungStandings(runtime.id, asks);
      const standings = asks.map(({ name }, i) => ({
        name,
        count: counts[i]!.count,
        best: { ...best.get(name)!, better: counts[i]!.better },
      }));
      const promotion = promoter.choose(standings, draining);
      if (!promotion) break;
      skipped.add(promotion.number);
      const { rung, bracket, population } = promotion.reason;
      const top = promoter.topOf(population, draining);
      const cutoff = await store.rungValueAt(runtime.id, rungName(bracket ?? 0, rung!), top);
      const reason = { ...promotion.reason, cutoff: cutoff ?? promotion.reason.value };
      if (!(await store.resumeTrial(runtime.id, promotion.number, this.clock(), reason))) continue;
      runtime.pausedTrials.delete(promotion.number);
      runtime.toEnqueue.add(promotion.number);
      resumed += 1;
      logger.info(
        { sweepId: runtime.id, trialId: trialId(runtime.id, promotion.number), reason },
        'trial promoted',
      );
    }
    await this.enqueueWaiting(runtime);
    return resumed;
  }

  /** At a sweep's end, paused trials no rung will promote any more are pruned, saying where they stood. */
  private async pruneUnpromoted(runtime: SweepRuntime): Promise<void> {
    for (const [number, reason] of [...runtime.pausedTrials]) {
      const where = reason
        ? `: rank ${reason.rank} of ${reason.population} at rung ${reason.rung} when it paused`
        : '';
      await this.opts.store.endTrial(
        runtime.id,
        number,
        'pruned',
        `not promoted before the sweep ended${where}`,
        this.clock(),
      );
    }
  }

  private async suggest(runtime: SweepRuntime, trialNumber: number) {
    const unsent = runtime.takeUnsent();
    let result: SuggestResult;
    try {
      result = await this.opts.suggester.suggest({
        sweepId: runtime.id,
        ...(unsent.reset
          ? { setup: { sampler: runtime.sampler, parameters: runtime.spec.parameters } }
          : {}),
        reset: unsent.reset,
        finished: unsent.finished,
        pending: runtime.pendingPoints(),
        seed: runtime.spec.seed,
        trialNumber,
      });
    } catch (err) {
      runtime.restoreUnsent(unsent);
      throw err;
    }
    if (result.fallback) {
      this.opts.logger.error(
        {
          err: result.fallback,
          sweepId: runtime.id,
          number: trialNumber,
          sampler: runtime.sampler,
        },
        'sampler failed: random point used',
      );
    }
    this.opts.onSuggest?.(runtime.sampler, result.ms);
    return result.point;
  }

  private jobOf(runtime: SweepRuntime, number: number, params: Params): TrialJob {
    return jobFor(runtime.id, runtime.spec, number, params);
  }

  /** Adds jobs in one call; the job id derives from the trial and its attempts, so a repeat is a no-op. */
  private async enqueue(
    sweepId: string,
    jobs: TrialJob[],
    attempts: number | number[],
  ): Promise<void> {
    if (jobs.length === 0) return;
    // Each job starts its trial's trace (with tracing on): the worker's spans are its children.
    const spans = jobs.map((job) =>
      tracer().startSpan('trial.queued', {
        attributes: {
          'rung.sweep.id': sweepId,
          'rung.trial.id': job.trialId,
          'rung.trial.number': job.number,
        },
      }),
    );
    try {
      await this.opts.queueFor(jobs[0]!.resources).addBulk(
        jobs.map((data, i) => ({
          name: 'trial',
          data: { ...data, ...traceparentField(spans[i]!) },
          opts: {
            jobId: trialJobId(data.trialId, Array.isArray(attempts) ? attempts[i]! : attempts),
          },
        })),
      );
    } catch (err) {
      // The trials stay queued, their jobs owed: the sweep's next reconcile enqueues them, and
      // the error makes the loop reconcile it again soon (not at the next safety pass, 30 s on).
      const runtime = this.runtimes.get(sweepId);
      for (const job of jobs) runtime?.toEnqueue.add(job.number);
      this.opts.logger.error({ err, sweepId, trials: jobs.length }, 'enqueue failed');
      for (const span of spans)
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      for (const span of spans) span.end();
    }
  }

  /** Enqueues the queued trials that may lack a job (after a rebuild, or a promotion). */
  private async enqueueWaiting(runtime: SweepRuntime): Promise<void> {
    if (runtime.toEnqueue.size === 0) return;
    const numbers = [...runtime.toEnqueue];
    runtime.toEnqueue.clear();
    const trials = await Promise.all(numbers.map((n) => this.opts.store.getTrial(runtime.id, n)));
    const queued = trials.filter((t) => t?.state === 'queued');
    await this.enqueue(
      runtime.id,
      queued.map((t) => this.jobOf(runtime, t!.number, t!.params)),
      queued.map((t) => t!.attempt),
    );
  }

  /**
   * The slow pass for safety, over one sweep: re-enqueue every queued trial (a no-op for those whose
   * job exists), and fail running trials whose job is gone — a worker will never finish them, and
   * samplers would keep treating them as pending. (A worker that dies mid-trial is not such a
   * case: BullMQ hands its job to another worker.)
   */
  async checkActiveTrials(sweepId: string): Promise<void> {
    const runtime = await this.ensure(sweepId);
    if (!runtime) return;
    const grace = this.opts.orphanGraceMs ?? 30_000;
    const active = await this.opts.store.activeTrials(sweepId);
    const queued = active.filter((t) => t.state === 'queued');
    await this.enqueue(
      sweepId,
      queued.map((t) => this.jobOf(runtime, t.number, t.params)),
      queued.map((t) => t.attempt),
    );
    for (const t of active) {
      if (t.state !== 'running' || !t.jobId) continue;
      if (t.startedAt !== undefined && this.clock() - t.startedAt < grace) continue;
      const state = await this.opts.queueFor(runtime.spec.resources).getJobState(t.jobId);
      if (state !== 'unknown' && state !== 'failed' && state !== 'completed') continue;
      const reason = `its job ${state === 'unknown' ? 'was lost' : `is ${state}`} while the trial was running`;
      if (await this.opts.store.endTrial(sweepId, t.number, 'failed', reason, this.clock())) {
        this.opts.logger.warn({ sweepId, trialId: t.id, jobState: state }, 'orphaned trial failed');
      }
    }
  }

  /**
   * Pauses a sweep at a user's request: nothing new starts — no trial is created or promoted, and
   * queued trials are held (their jobs leave the queue; a worker that took one already is refused
   * by the store). With `trials: 'checkpoint'` running trials stop too, at their next report, and
   * go on from their last checkpoint on resume; with `finish` they run to their end.
   * False when the sweep was not running.
   */
  async pause(sweepId: string, trials: 'finish' | 'checkpoint'): Promise<boolean> {
    const { store } = this.opts;
    if (!(await store.transitionSweep(sweepId, ['running'], 'paused', { now: this.clock() }))) {
      return false;
    }
    const active = await store.activeTrials(sweepId, { reports: false });
    await this.removeJobs(
      sweepId,
      active.filter((t) => t.state === 'queued'),
    );
    if (trials === 'checkpoint') {
      for (const t of active) {
        if (t.state === 'running')
          await store.pauseTrial(sweepId, t.number, t.attempt, this.clock());
      }
    }
    this.opts.logger.info({ sweepId, trials }, 'sweep paused');
    return true;
  }

  /**
   * Resumes a paused sweep: the trials its pause stopped are queued again (each resumes from its
   * checkpoint), held trials get their jobs back, and scheduling goes on. Trials paused at a rung
   * still wait for a promotion. False when the sweep was not paused.
   */
  async resume(sweepId: string): Promise<boolean> {
    const { store } = this.opts;
    if (!(await store.transitionSweep(sweepId, ['paused'], 'running', { now: this.clock() }))) {
      return false;
    }
    for (const t of await store.activeTrials(sweepId, { reports: false })) {
      // Paused without a rung: stopped by the sweep's pause, not waiting for a promotion.
      if (t.state === 'paused' && t.pauseReason?.rung === undefined) {
        await store.resumeTrial(sweepId, t.number, this.clock());
      }
    }
    const queued = (await store.activeTrials(sweepId, { reports: false })).filter(
      (t) => t.state === 'queued',
    );
    // A job a worker took, and let go of because the sweep was paused, is kept as completed under
    // the same id: it goes first, or adding the job again would do nothing.
    await this.removeJobs(sweepId, queued);
    const sweep = await store.getSweep(sweepId);
    if (sweep) {
      await this.enqueue(
        sweepId,
        queued.map((t) => jobFor(sweepId, sweep.spec, t.number, t.params)),
        queued.map((t) => t.attempt),
      );
    }
    this.opts.logger.info({ sweepId, requeued: queued.length }, 'sweep resumed');
    return true;
  }

  /**
   * Runs again the trials whose workers stopped heartbeating, or restarted since the trial began
   * (`live`: each worker whose heartbeat is fresh, and when it started): each is queued for a new
   * attempt (from its checkpoint) up to the sweep's `max_retries`, then failed. Returns how many
   * it retried.
   */
  async retryLost(live: ReadonlyMap<string, { startedAt: number }>): Promise<number> {
    const { store, logger } = this.opts;
    let retried = 0;
    for (const runtime of this.runtimes.values()) {
      const max = runtime.spec.max_retries ?? DEFAULT_MAX_RETRIES;
      for (const [number, { workerId, attempt, startedAt }] of [...runtime.running]) {
        const worker = live.get(workerId);
        if (worker && worker.startedAt <= startedAt) continue;
        const trial = await store.getTrial(runtime.id, number);
        runtime.running.delete(number);
        if (trial?.state !== 'running' || trial.attempt !== attempt) continue;
        const lost = worker
          ? `worker ${workerId} restarted while the trial ran`
          : `worker ${workerId} stopped heartbeating`;
        const retries = trial.retries ?? 0;
        const id = trialId(runtime.id, number);
        if (retries < max) {
          if (await store.retryTrial(runtime.id, number, attempt, lost, this.clock())) {
            retried += 1;
            logger.warn(
              { sweepId: runtime.id, trialId: id, workerId, attempt },
              'trial retried: worker lost',
            );
          }
        } else {
          const reason = `${lost}; not retried: ${retries} retries spent (max_retries ${max})`;
          await store.endTrial(runtime.id, number, 'failed', reason, this.clock());
          logger.warn({ sweepId: runtime.id, trialId: id, workerId }, 'trial failed: worker lost');
        }
      }
    }
    return retried;
  }

  /** Cancels a sweep at a user's request: its queued, running and paused trials are cancelled. */
  async cancel(sweepId: string): Promise<boolean> {
    const ok = await this.opts.store.transitionSweep(sweepId, ['running', 'paused'], 'cancelled', {
      now: this.clock(),
      stopReason: 'cancelled',
    });
    if (ok) await this.cancelActive(sweepId, 'sweep cancelled');
    this.drop(sweepId);
    return ok;
  }

  private async stop(
    runtime: SweepRuntime,
    reason: 'max_duration' | 'target_reached' | 'budget',
  ): Promise<ReconcileResult> {
    if (await this.finish(runtime, reason)) {
      await this.cancelActive(runtime.id, `sweep stopped: ${reason}`);
    }
    return DONE;
  }

  private async finish(runtime: SweepRuntime, reason: string): Promise<boolean> {
    const ok = await this.opts.store.transitionSweep(
      runtime.id,
      ['running', 'paused'],
      'completed',
      {
        now: this.clock(),
        stopReason: reason,
      },
    );
    if (ok) this.opts.logger.info({ sweepId: runtime.id, reason }, 'sweep completed');
    this.drop(runtime.id);
    return ok;
  }

  /** Cancels the active trials, and removes the jobs of those that had not started. */
  private async cancelActive(sweepId: string, reason: string): Promise<void> {
    const before = await this.opts.store.activeTrials(sweepId);
    const cancelled = new Set(
      await this.opts.store.cancelActiveTrials(sweepId, reason, this.clock()),
    );
    // A queued job would only be refused by the worker's compare-and-set; removing it saves the
    // trip.
    await this.removeJobs(
      sweepId,
      before.filter((t) => t.state === 'queued' && cancelled.has(t.number)),
    );
  }

  /**
   * Removes the current jobs of these trials from the queue (a job a worker holds stays). Newest
   * first: BullMQ's wait list is scanned from its newest end (LREM), so this order finds each job
   * at once, where oldest first costs a scan of the whole list each time.
   */
  private async removeJobs(sweepId: string, trials: readonly Trial[]): Promise<void> {
    if (trials.length === 0) return;
    const resources =
      this.runtimes.get(sweepId)?.spec.resources ??
      (await this.opts.store.getSweep(sweepId))?.spec.resources;
    const queue = this.opts.queueFor(resources);
    const newestFirst = [...trials].sort((a, b) => b.number - a.number);
    for (let i = 0; i < newestFirst.length; i += 100) {
      await Promise.all(
        newestFirst
          .slice(i, i + 100)
          .map((t) => queue.remove(trialJobId(t.id, t.attempt)).catch(() => 0)),
      );
    }
  }

  /** Forgets a sweep (it ended, or this scheduler stopped leading). */
  drop(sweepId: string): void {
    if (this.runtimes.delete(sweepId)) this.opts.suggester.forget(sweepId);
  }

  /** Forgets every sweep. */
  dropAll(): void {
    for (const id of [...this.runtimes.keys()]) this.drop(id);
  }
}

/**
 * The best paused trial of each rung (by the value it was ranked by there), leaving out
 * `skipped`: only it can have entered its rung's top. Trials paused without a rung are left out.
 */
function bestPausedByRung(
  paused: ReadonlyMap<number, PruneReason | undefined>,
  skipped: ReadonlySet<number>,
): Map<string, { number: number; value: number }> {
  const best = new Map<string, { number: number; value: number }>();
  for (const [number, reason] of paused) {
    if (!reason || reason.rung === undefined || skipped.has(number)) continue;
    const name = rungName(reason.bracket ?? 0, reason.rung);
    const held = best.get(name);
    if (
      !held ||
      reason.value < held.value ||
      (reason.value === held.value && number < held.number)
    ) {
      best.set(name, { number, value: reason.value });
    }
  }
  return best;
}

/** The job that runs a trial: what a worker needs to know of it. */
function jobFor(sweepId: string, spec: SweepSpec, number: number, params: Params): TrialJob {
  return {
    sweepId,
    number,
    trialId: trialId(sweepId, number),
    trainer: spec.trainer,
    params,
    seed: trialSeed(spec.seed, number),
    ...(spec.resources && { resources: spec.resources }),
  };
}

/** Whether a sweep has used up its `budget` (GPU-hours, or their cost at the price given). */
export function budgetSpent(spec: SweepSpec, gpuSeconds: number, gpuHourPrice?: number): boolean {
  const budget = spec.budget;
  if (!budget) return false;
  const hours = gpuSeconds / 3600;
  if (budget.gpu_hours !== undefined && hours >= budget.gpu_hours) return true;
  return (
    budget.cost !== undefined && gpuHourPrice !== undefined && hours * gpuHourPrice >= budget.cost
  );
}

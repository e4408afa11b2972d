/**
 * The scheduling loop: keeps every running sweep at its parallelism, and ends sweeps at their
 * run_cap, grid exhaustion, max_duration or metric target. Only the leader runs it (leader-lease.ts).
 *
 * Each pass reads the sweep's state from Redis (the record of truth), so a restarted or newly
 * elected scheduler carries on exactly where the last one stopped.
 */
import {
  buildSpace,
  createRandomSampler,
  createRng,
  type Params,
  type Point,
  type Sampler,
  type SearchSpace,
  type TrialRecord,
} from '@rung/search';
import {
  isBetter,
  type Logger,
  type SweepSpec,
  type SweepView,
  type TrialJob,
  toLoss,
  trialJobId,
  trialSeed,
} from '@rung/shared';
import type { RungStore, StoredTrial } from '@rung/store';
import type { Queue } from 'bullmq';
import { createSampler, runCapOf } from './sampler-choice.js';

export interface SchedulerOptions {
  store: RungStore;
  queue: Queue<TrialJob>;
  logger: Logger;
  /** @defaultValue Date.now — injectable so tests can move time. */
  clock?: () => number;
  /** Called with the time each suggestion took, in ms (for metrics). */
  onSuggest?: (sampler: string, ms: number) => void;
}

const FALLBACK_SAMPLER = createRandomSampler();

/** A trial just started may not show its job as active yet: look at it only after this long. */
const ORPHAN_GRACE_MS = 30_000;

interface SweepRuntime {
  space: SearchSpace;
  sampler: Sampler;
}

export class SweepScheduler {
  private readonly runtimes = new Map<string, SweepRuntime>();
  private readonly clock: () => number;

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock ?? Date.now;
  }

  /** One pass over every running sweep. */
  async tick(): Promise<void> {
    for (const id of await this.opts.store.sweepIds()) {
      try {
        await this.reconcile(id);
      } catch (err) {
        this.opts.logger.error({ err, sweepId: id }, 'reconcile failed');
      }
    }
  }

  /** Brings one sweep in line with its spec: refill free slots, or end it. */
  async reconcile(sweepId: string): Promise<void> {
    const { store, logger } = this.opts;
    const sweep = await store.getSweep(sweepId);
    if (sweep?.state !== 'running') {
      this.runtimes.delete(sweepId);
      return;
    }
    const spec = sweep.spec;
    const now = this.clock();
    const runtime = this.runtimeOf(sweep);

    if (spec.max_duration !== undefined && now - sweep.createdAt >= spec.max_duration * 1000) {
      await this.stop(sweep, 'max_duration');
      return;
    }
    if (spec.metric.target !== undefined && sweep.best) {
      const { value } = sweep.best;
      if (value === spec.metric.target || isBetter(value, spec.metric.target, spec.metric.goal)) {
        await this.stop(sweep, 'target_reached');
        return;
      }
    }

    const cap = runCapOf(spec, runtime.space);
    const trials = await store.listTrials(sweepId);
    const inFlight = trials.filter((t) => t.state === 'queued' || t.state === 'running');
    const history = trials
      .filter((t) => !inFlightState(t))
      .map((t) => toRecord(t, spec.metric.goal));
    const pending = inFlight.map((t) => t.point);
    // Re-adding a queued trial's job is a no-op while the job exists (its id is derived), and
    // brings back a job that was lost between creating the trial and enqueueing it.
    for (const t of inFlight.filter((t) => t.state === 'queued')) {
      await this.enqueue(sweepId, spec, t.number, t.params);
    }
    const orphans = await this.failOrphans(inFlight.filter((t) => t.state === 'running'));
    let created = sweep.trials;
    let active = inFlight.length - orphans;
    let exhausted = false;

    while (active < spec.parallelism && created < cap) {
      const started = performance.now();
      const ctx = {
        space: runtime.space,
        history,
        pending,
        rng: createRng(spec.seed, created),
        seed: spec.seed,
        trialNumber: created,
      };
      let point: Point | null;
      try {
        point = runtime.sampler.suggest(ctx);
      } catch (err) {
        // A model-based sampler that fails (numerics, a bug) must not stall the sweep: this one
        // trial is drawn at random from the same seeded stream, and the failure is logged.
        logger.error(
          { err, sweepId, number: created, sampler: sweep.sampler },
          'sampler failed: random point used',
        );
        point = FALLBACK_SAMPLER.suggest({ ...ctx, rng: createRng(spec.seed, created) });
      }
      this.opts.onSuggest?.(sweep.sampler, performance.now() - started);
      if (point === null) {
        exhausted = true;
        break;
      }
      const params = runtime.space.decode(point);
      const result = await store.createTrial(sweepId, created, params, point, this.clock());
      if (result !== 'created') {
        // Another scheduler took the number, or the sweep ended meanwhile: look again next pass.
        logger.warn({ sweepId, number: created, result }, 'trial not created');
        return;
      }
      const trialId = await this.enqueue(sweepId, spec, created, params);
      logger.info({ sweepId, trialId, params }, 'trial queued');
      pending.push(point);
      created += 1;
      active += 1;
    }

    if (active === 0 && (created >= cap || exhausted)) {
      // A grid's cap is its size unless run_cap is smaller: then the cap, not the grid, ended it.
      const gridDone =
        exhausted ||
        (spec.method === 'grid' && !(spec.run_cap !== undefined && created >= spec.run_cap));
      await this.finish(sweep, gridDone ? 'grid_exhausted' : 'run_cap');
    }
  }

  /**
   * A running trial whose job no longer exists, or failed for good, will never be finished by a
   * worker: fail it, so the sweep does not wait forever and samplers stop treating it as pending.
   * (A worker that dies mid-trial is not an orphan: BullMQ hands its job to another worker.)
   */
  private async failOrphans(running: StoredTrial[]): Promise<number> {
    let failed = 0;
    for (const t of running) {
      if (t.startedAt !== undefined && this.clock() - t.startedAt < ORPHAN_GRACE_MS) continue;
      const state = await this.opts.queue.getJobState(trialJobId(t.id));
      if (state !== 'unknown' && state !== 'failed' && state !== 'completed') continue;
      const reason = `its job ${state === 'unknown' ? 'was lost' : `is ${state}`} while the trial was running`;
      if (await this.opts.store.abandonTrial(t.sweepId, t.number, reason, this.clock())) {
        this.opts.logger.warn(
          { sweepId: t.sweepId, trialId: t.id, jobState: state },
          'orphaned trial failed',
        );
        failed += 1;
      }
    }
    return failed;
  }

  /** Enqueues trial `number`'s job (idempotent: the job id derives from the trial id). */
  private async enqueue(
    sweepId: string,
    spec: SweepSpec,
    number: number,
    params: Params,
  ): Promise<string> {
    const trialId = `${sweepId}-${number}`;
    const job: TrialJob = {
      sweepId,
      number,
      trialId,
      trainer: spec.trainer,
      params,
      seed: trialSeed(spec.seed, number),
    };
    try {
      await this.opts.queue.add('trial', job, { jobId: trialJobId(trialId) });
    } catch (err) {
      // The trial stays queued; the next pass enqueues it again.
      this.opts.logger.error({ err, sweepId, trialId }, 'enqueue failed');
    }
    return trialId;
  }

  /** Cancels a sweep at a user's request: queued and running trials are cancelled. */
  async cancel(sweepId: string): Promise<boolean> {
    const sweep = await this.opts.store.getSweep(sweepId);
    if (!sweep) return false;
    const ok = await this.opts.store.transitionSweep(sweepId, ['running'], 'cancelled', {
      stopReason: 'cancelled',
      finishedAt: this.clock(),
    });
    if (ok) await this.cancelInFlight(sweepId, 'sweep cancelled');
    return ok;
  }

  private async stop(sweep: SweepView, reason: 'max_duration' | 'target_reached'): Promise<void> {
    if (await this.finish(sweep, reason))
      await this.cancelInFlight(sweep.id, `sweep stopped: ${reason}`);
  }

  private async finish(sweep: SweepView, reason: string): Promise<boolean> {
    const ok = await this.opts.store.transitionSweep(sweep.id, ['running'], 'completed', {
      stopReason: reason,
      finishedAt: this.clock(),
    });
    if (ok) this.opts.logger.info({ sweepId: sweep.id, reason }, 'sweep completed');
    this.runtimes.delete(sweep.id);
    return ok;
  }

  private async cancelInFlight(sweepId: string, reason: string): Promise<void> {
    const trials = await this.opts.store.listTrials(sweepId);
    for (const t of trials.filter(inFlightState)) {
      await this.opts.store.cancelTrial(sweepId, t.number, reason, this.clock());
      // A queued job would only be refused by the worker's compare-and-set; removing it saves the trip.
      if (t.state === 'queued') await this.opts.queue.remove(trialJobId(t.id)).catch(() => 0);
    }
  }

  private runtimeOf(sweep: SweepView): SweepRuntime {
    let runtime = this.runtimes.get(sweep.id);
    if (!runtime) {
      runtime = { space: buildSpace(sweep.spec.parameters), sampler: createSampler(sweep.sampler) };
      this.runtimes.set(sweep.id, runtime);
    }
    return runtime;
  }
}

function inFlightState(t: StoredTrial): boolean {
  return t.state === 'queued' || t.state === 'running';
}

/** A stored trial as the samplers see it; cancelled trials count as failed (no information). */
function toRecord(t: StoredTrial, goal: 'minimize' | 'maximize'): TrialRecord {
  const state = t.state === 'completed' || t.state === 'pruned' ? t.state : 'failed';
  const record: { -readonly [K in keyof TrialRecord]: TrialRecord[K] } = {
    number: t.number,
    state,
    point: t.point,
  };
  if (t.value !== undefined && state !== 'failed') record.loss = toLoss(t.value, goal);
  if (state === 'pruned' && t.lastStep !== undefined) record.step = t.lastStep;
  return record;
}

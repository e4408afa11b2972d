/**
 * Runs one trial job: claim the trial (compare-and-set), train it in a child process, forward every
 * report to Redis, ask the sweep's pruner after each, and record how it ended.
 *
 * Trainer failures are trial states (failed, with the reason), not job failures: the job itself
 * throws only when Redis is unreachable, so BullMQ retries infrastructure errors and nothing else.
 */
import type { StepValue } from '@rung/search';
import { type Logger, type TrialJob, toLoss } from '@rung/shared';
import type { RungStore } from '@rung/store';
import { createPruner } from './pruner-choice.js';
import type { Slot } from './slot-pool.js';
import { startTrialProcess } from './trial-process/trial-process.js';

export interface TrialJobDeps {
  store: RungStore;
  workerId: string;
  slot: Slot;
  logger: Logger;
  /** @defaultValue Date.now */
  clock?: () => number;
  /** Time a stopped trainer gets to exit before it is killed. @defaultValue 5000 */
  stopGraceMs?: number;
  /**
   * True once the worker is shutting down and has killed its trainers: the trial is then left
   * `running` and the job fails, so BullMQ hands it to another worker instead of it being failed.
   */
  isShuttingDown?: () => boolean;
  /** Called for each running trial process, so the worker can kill them all on a hard shutdown. */
  onProcess?: (proc: { kill(): void }, done: Promise<unknown>) => void;
}

export type TrialJobResult =
  | 'completed'
  | 'pruned'
  | 'failed'
  | 'cancelled'
  | 'superseded'
  | 'skipped';

export async function runTrialJob(job: TrialJob, deps: TrialJobDeps): Promise<TrialJobResult> {
  const { store, logger: baseLogger } = deps;
  const clock = deps.clock ?? Date.now;
  const { sweepId, number, trialId } = job;
  const logger = baseLogger.child({
    sweepId,
    trialId,
    workerId: deps.workerId,
    slot: deps.slot.id,
  });

  const sweep = await store.getSweep(sweepId);
  if (!sweep) return 'skipped';
  const start = await store.startTrial(sweepId, number, deps.workerId, clock());
  if (!start.ok) {
    logger.info({ state: start.state }, 'trial not started: no longer queued');
    return 'skipped';
  }
  const attempt = start.attempt;
  const { metric } = sweep.spec;
  const pruner = createPruner(sweep.spec.pruner);
  logger.info({ attempt, params: job.params }, 'trial started');

  const losses: StepValue[] = [];
  let lastValue: number | undefined;
  let stoppedAs: 'pruned' | 'cancelled' | 'superseded' | undefined;
  let warnedMissingMetric = false;

  const proc = startTrialProcess({
    trialId,
    trainer: job.trainer,
    params: job.params,
    seed: job.seed,
    env: deps.slot.env,
    onLog: (line, source) => logger.info({ source }, line),
    onReady: (backend) => store.setTrialBackend(sweepId, number, backend),
    onReport: async (step, metrics) => {
      if (stoppedAs) return;
      const state = await store.addReport(sweepId, number, attempt, { step, metrics, at: clock() });
      if (state !== 'running') {
        // Cancelled (sweep stopped) or superseded by a newer attempt: stop without writing more.
        stoppedAs = state === 'superseded' ? 'superseded' : 'cancelled';
        logger.info({ state }, 'trial stopped: no longer running here');
        proc.stop(deps.stopGraceMs);
        return;
      }
      const value = metrics[metric.name];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        if (!warnedMissingMetric)
          logger.warn({ metric: metric.name, step }, 'report lacks the sweep metric');
        warnedMissingMetric = true;
        return;
      }
      lastValue = value;
      losses.push({ step, loss: toLoss(value, metric.goal) });
      if (!pruner) return;
      const decision = pruner.decide({
        step,
        reports: losses,
        peers: await store.rungLosses(sweepId, step),
        completedTrials: await store.completedCount(sweepId),
      });
      if (!decision.prune) return;
      const ok = await store.finishTrial(
        sweepId,
        number,
        attempt,
        { state: 'pruned', value, pruneReason: decision.reason, now: clock() },
        metric,
      );
      stoppedAs = ok ? 'pruned' : 'cancelled';
      logger.info({ reason: decision.reason }, 'trial pruned');
      proc.stop(deps.stopGraceMs);
    },
  });
  deps.onProcess?.(proc, proc.done);

  const outcome = await proc.done;
  if (deps.isShuttingDown?.() && !stoppedAs && outcome.kind !== 'result') {
    throw new Error('worker shut down before the trial finished: it will be retried');
  }
  if ('backend' in outcome && outcome.backend) {
    await store.setTrialBackend(sweepId, number, outcome.backend);
  }
  if (stoppedAs) return stoppedAs;

  const finish = (state: 'completed' | 'failed', extra: { value?: number; error?: string }) =>
    store.finishTrial(sweepId, number, attempt, { state, ...extra, now: clock() }, metric);

  switch (outcome.kind) {
    case 'result': {
      const final = outcome.metrics?.[metric.name];
      const value = typeof final === 'number' && Number.isFinite(final) ? final : lastValue;
      if (value === undefined) {
        await finish('failed', {
          error: `the trainer never reported the sweep metric '${metric.name}'`,
        });
        logger.warn('trial failed: metric never reported');
        return 'failed';
      }
      const ok = await finish('completed', { value });
      logger.info({ value }, 'trial completed');
      return ok ? 'completed' : 'superseded';
    }
    case 'stopped':
      // Stopped without our asking (e.g. the trainer honoured a signal): keep what it reached.
      await finish('failed', { error: 'the trainer stopped before finishing' });
      return 'failed';
    case 'error':
      await finish('failed', { error: outcome.message });
      logger.warn({ error: outcome.message }, 'trial failed');
      return 'failed';
    case 'crashed':
      await finish('failed', { error: outcome.message });
      logger.warn({ error: outcome.message }, 'trial crashed');
      return 'failed';
  }
}

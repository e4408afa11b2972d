/**
 * Runs one trial job: claim the trial (compare-and-set), train it in a child process, send every
 * report to the store in one call that also answers the pruning rule's query, and record how it
 * ended.
 *
 * Trainer failures are trial states (failed, with the reason), not job failures: the job itself
 * throws only when Redis is unreachable, so BullMQ retries infrastructure errors and nothing else.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import type { PruneReason, StepValue } from '@rung/search';
import {
  contextFrom,
  createPruner,
  type Logger,
  type TrialJob,
  toLoss,
  traceparentField,
  tracer,
} from '@rung/shared';
import type { Store } from '@rung/store';
import type { GpuMemorySampler, TrackedTrial } from './placement/gpu-memory.js';
import type { Slot } from './placement/placement.js';
import { TrainerCatalog } from './trainers/catalog.js';
import { TrialOutput } from './trial-output.js';
import type { SpareProcesses } from './trial-process/spare-processes.js';
import { startTrialProcess } from './trial-process/trial-process.js';

export interface TrialJobDeps {
  store: Store;
  workerId: string;
  /** The queue job carrying this run, recorded on the trial so a lost job can be noticed. */
  jobId: string;
  slot: Slot;
  /** Where trials keep their checkpoints: `<root>/<sweep>/<trial number>`. */
  checkpointRoot: string;
  logger: Logger;
  /** @defaultValue Date.now */
  clock?: () => number;
  /** Time a stopped trainer gets to exit before it is killed. @defaultValue 5000 */
  stopGraceMs?: number;
  /**
   * A trial told to pause at a rung waits this long for the trainer's checkpoint of that step
   * (so that its promotion resumes there) before it pauses without one. @defaultValue 3000
   */
  pauseGraceMs?: number;
  /**
   * True once the worker is shutting down and has killed its trainers: the trial is then left
   * `running` and the job fails, so BullMQ hands it to another worker instead of it being failed.
   */
  isShuttingDown?: () => boolean;
  /** Called for each running trial process, so the worker can kill them all on a hard shutdown. */
  onProcess?: (proc: { kill(): void }, done: Promise<unknown>) => void;
  /** Each report's round trip to the store, in seconds (for metrics). */
  onReport?: (seconds: number) => void;
  /** Trial processes forked ahead per slot; without them each trial forks its own. */
  spares?: SpareProcesses;
  /** The worker's trainers. @defaultValue the built-in ones */
  catalog?: TrainerCatalog;
  /** Watches the GPU memory of trials that run on GPUs. */
  gpuMemory?: GpuMemorySampler;
}

export type TrialJobResult =
  | 'completed'
  | 'pruned'
  | 'paused'
  | 'failed'
  | 'cancelled'
  | 'superseded'
  | 'skipped';

/**
 * Runs the job inside its `trial.run` span (a child of the scheduler's `trial.queued`, when
 * traced): the logs written meanwhile carry its trace id, and its outcome is the span's.
 */
export function runTrialJob(job: TrialJob, deps: TrialJobDeps): Promise<TrialJobResult> {
  const span = tracer().startSpan(
    'trial.run',
    {
      attributes: {
        'rung.sweep.id': job.sweepId,
        'rung.trial.id': job.trialId,
        'rung.trial.number': job.number,
        'rung.worker.id': deps.workerId,
      },
    },
    contextFrom(job.traceparent),
  );
  return context
    .with(trace.setSpan(context.active(), span), () => runTrial(job, deps, span))
    .then(
      (result) => {
        span.setAttribute('rung.trial.result', result);
        return result;
      },
      (err: unknown) => {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
        throw err;
      },
    )
    .finally(() => span.end());
}

async function runTrial(job: TrialJob, deps: TrialJobDeps, span: Span): Promise<TrialJobResult> {
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
  const start = await store.startTrial(sweepId, number, {
    workerId: deps.workerId,
    jobId: deps.jobId,
    now: clock(),
    ...(deps.slot.gpus && { gpus: deps.slot.gpus }),
  });
  if (!start.ok) {
    logger.info(
      { state: start.state },
      start.state === 'held'
        ? 'trial not started: its sweep is paused (it starts when the sweep resumes)'
        : start.state === 'stale'
          ? 'trial not started: a newer job runs it (this one was a lost worker’s)'
          : 'trial not started: no longer queued',
    );
    return 'skipped';
  }
  const attempt = start.attempt;
  span.setAttribute('rung.trial.attempt', attempt);
  /** This job's trace context (its `trial.run` span). */
  const traced = context.active();
  const inTrace =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R =>
      context.with(traced, () => fn(...args));
  const startedAt = clock();
  const { metric } = sweep.spec;
  const pruner = createPruner({
    spec: sweep.spec.pruner,
    goal: metric.goal,
    seed: sweep.spec.seed,
  });
  logger.info({ attempt, params: job.params }, 'trial started');

  /** The trial's losses by step: what the rule judges, and the curve its peers see if it completes. */
  const losses: StepValue[] = [];
  let lastValue: number | undefined;
  const metricOf = (metrics: Record<string, number>): number | undefined => {
    const raw = metrics[metric.name];
    return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined;
  };

  // An earlier attempt's checkpoint: go on from it, with the trial's reports up to its step.
  const checkpointDir = path.join(deps.checkpointRoot, sweepId, String(number));
  let resumeStep: number | undefined;
  if (start.checkpoint && !existsSync(checkpointDir)) {
    logger.warn(
      { checkpoint: start.checkpoint, checkpointDir },
      'checkpoint not found on this worker (is RUNG_CHECKPOINT_ROOT shared?): starting over',
    );
  } else if (start.checkpoint) {
    const kept = await store.resumeFromCheckpoint(sweepId, number, attempt, start.checkpoint);
    if (kept) {
      resumeStep = start.checkpoint.step;
      for (const r of kept) {
        const value = metricOf(r.metrics);
        if (value === undefined) continue;
        lastValue = value;
        losses.push({ step: r.step, loss: toLoss(value, metric.goal) });
      }
      logger.info({ step: resumeStep }, 'resuming from checkpoint');
    }
  }

  const output = new TrialOutput(
    (lines) => store.appendLogs(sweepId, number, attempt, lines),
    (err) => logger.warn({ err }, 'trial output not stored'),
  );

  let stoppedAs: 'pruned' | 'paused' | 'cancelled' | 'superseded' | undefined;
  /** A pause the rule asked for, waiting for the checkpoint of its rung. */
  let pausing: { step: number; reason: PruneReason; timer: NodeJS.Timeout } | undefined;
  const pause = async () => {
    if (!pausing || stoppedAs) return;
    clearTimeout(pausing.timer);
    const { reason } = pausing;
    const used = usage().usage;
    const ok = await store.pauseTrial(sweepId, number, attempt, clock(), reason, used);
    stoppedAs = ok ? 'paused' : 'cancelled';
    logger.info({ reason }, 'trial paused at a rung');
    proc.stop(deps.stopGraceMs);
  };
  let gpuMemory: TrackedTrial | undefined;
  /** What the attempt held of its GPUs so far (none without GPUs). */
  const usage = () => {
    const share = deps.slot.gpuShare;
    if (share === undefined) return {};
    const peakGpuMemoryMiB = gpuMemory?.peakMiB();
    const gpuSeconds = (share * (clock() - startedAt)) / 1000;
    return { usage: { gpuSeconds, ...(peakGpuMemoryMiB !== undefined && { peakGpuMemoryMiB }) } };
  };
  let warnedMissingMetric = false;
  let warnedReplayedStep = false;

  const proc = startTrialProcess(
    {
      trialId,
      trainer: (deps.catalog ?? new TrainerCatalog()).sourceFor(job.trainer),
      params: job.params,
      seed: job.seed,
      checkpointDir,
      ...(resumeStep !== undefined && { resumeStep }),
      ...traceparentField(span),
      env: deps.slot.env,
      onLog: (line, source) => {
        // Kept with the trial (GET …/trials/:n/logs, `rung logs`); the worker's own log only
        // at debug level, which a chatty program (progress bars) would otherwise flood.
        logger.debug({ source }, line);
        output.push({ at: clock(), stream: source, text: line });
      },
      onIdle: (child) => {
        if (deps.spares) deps.spares.release(deps.slot.id, child);
        else child.kill('SIGKILL');
      },
      onReady: async (backend) => {
        await store.setTrialBackend(sweepId, number, attempt, backend, clock());
      },
      onCheckpoint: async (step) => {
        // Refused once the attempt is no longer the trial's running one.
        await store.recordCheckpoint(sweepId, number, attempt, {
          path: checkpointDir,
          step,
          now: clock(),
        });
        if (pausing && step >= pausing.step) await pause();
      },
      // Messages of a spare process arrive outside this job's async context: put them back in it.
      onReport: inTrace(async (step: number, metrics: Record<string, number>) => {
        if (stoppedAs || pausing) return;
        if (resumeStep !== undefined && step <= resumeStep) {
          // The trial has this step from before the checkpoint: a step is never reported twice.
          if (!warnedReplayedStep) {
            logger.warn({ step, resumeStep }, 'report at or before the checkpoint ignored');
            warnedReplayedStep = true;
          }
          return;
        }
        const value = metricOf(metrics);
        if (value === undefined && !warnedMissingMetric) {
          logger.warn({ metric: metric.name, step }, 'report lacks the sweep metric');
          warnedMissingMetric = true;
        }
        if (value !== undefined) {
          lastValue = value;
          losses.push({ step, loss: toLoss(value, metric.goal) });
        }
        // The rule judges only reports that carry the metric; its query rides on the report call.
        const judging = { step, reports: losses };
        const query =
          pruner && value !== undefined ? pruner.query({ trial: number, ...judging }) : null;
        const reportSpan = tracer().startSpan(
          'trial.report',
          {
            attributes: { 'rung.step': step, ...(value !== undefined && { 'rung.value': value }) },
          },
          traced,
        );
        const sent = performance.now();
        const outcome = await store.report(
          sweepId,
          number,
          attempt,
          { step, metrics, at: clock() },
          query ? { metric, query } : { metric },
        );
        deps.onReport?.((performance.now() - sent) / 1000);
        const judged =
          outcome.state === 'running' && pruner && query && outcome.peers
            ? pruner.decide({
                trial: number,
                ...judging,
                peers: outcome.peers,
                completedTrials: outcome.completedTrials,
              })
            : undefined;
        reportSpan.setAttribute(
          'rung.decision',
          judged?.action ?? (outcome.state === 'running' ? 'continue' : outcome.state),
        );
        if (judged && judged.action !== 'continue') {
          reportSpan.setAttribute('rung.decision.reason', JSON.stringify(judged.reason));
        }
        reportSpan.end();
        if (outcome.state !== 'running') {
          // Cancelled (sweep stopped), paused with its sweep, or superseded by a newer attempt:
          // stop without writing more.
          stoppedAs =
            outcome.state === 'superseded' || outcome.state === 'paused'
              ? outcome.state
              : 'cancelled';
          logger.info({ state: outcome.state }, 'trial stopped: no longer running here');
          proc.stop(deps.stopGraceMs);
          return;
        }
        const decision = judged;
        if (!decision || decision.action === 'continue') return;
        if (decision.action === 'pause') {
          // Paused once the trainer has saved this step, so that a promotion goes on from there.
          const timer = setTimeout(() => void pause(), deps.pauseGraceMs ?? 3000);
          pausing = { step, reason: decision.reason, timer };
          logger.info({ reason: decision.reason }, 'trial to pause at its checkpoint');
          return;
        }
        const ok = await store.finishTrial(sweepId, number, attempt, {
          state: 'pruned',
          ...usage(),
          value,
          pruneReason: decision.reason,
          now: clock(),
        });
        stoppedAs = ok ? 'pruned' : 'cancelled';
        logger.info({ reason: decision.reason }, 'trial pruned');
        proc.stop(deps.stopGraceMs);
      }),
    },
    deps.spares?.take(deps.slot.id, deps.slot.env),
  );
  deps.onProcess?.(proc, proc.done);
  if (deps.slot.gpus && proc.pid !== undefined) gpuMemory = deps.gpuMemory?.track(proc.pid);

  const outcome = await proc.done.finally(() => {
    output.close();
    gpuMemory?.stop();
  });
  // The trainer ended before the checkpoint the pause waited for: pause with what there is.
  if (pausing && !stoppedAs && outcome.kind !== 'result') await pause();
  if (pausing) clearTimeout(pausing.timer);
  if (deps.isShuttingDown?.() && !stoppedAs && outcome.kind !== 'result') {
    throw new Error('worker shut down before the trial finished: it will be retried');
  }
  if (stoppedAs) return stoppedAs;

  const finish = (state: 'completed' | 'failed', extra: { value?: number; error?: string }) =>
    store.finishTrial(sweepId, number, attempt, {
      state,
      ...extra,
      ...usage(),
      now: clock(),
      curve: losses,
    });

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

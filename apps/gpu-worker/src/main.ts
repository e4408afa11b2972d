/**
 * The worker process: takes trials from the queues (trial-intake.ts), places each on its slots —
 * one per GPU, shares of a GPU or several GPUs as the sweep asks, or RUNG_CPU_SLOTS without GPUs
 * (placement/) — and trains it in a trial process of its own.
 * Config: REDIS_URL, RUNG_PREFIX, RUNG_QUEUE, RUNG_WORKER_ID, RUNG_CPU_SLOTS, RUNG_GPUS=none,
 * RUNG_CPUS (cores trials asking for `cpus` may reserve; the machine's by default),
 * RUNG_GPU_SAMPLE_MS (how often trials' GPU memory is read; 2000),
 * RUNG_WORKER_PORT (health and metrics; unset = off) on RUNG_WORKER_HOST (127.0.0.1), RUNG_SHUTDOWN_GRACE_MS, RUNG_JOB_LOCK_MS,
 * RUNG_HEARTBEAT_MS, RUNG_WORKER_CONFIG (its own trainers, one file or a list separated like PATH:
 * see config/worker-config.ts), and `--trainer NAME=PATH` flags (a program, or a .mjs module),
 * RUNG_CHECKPOINT_ROOT (trials' checkpoints; a shared volume on a cluster), LOG_LEVEL.
 */
import { createServer } from 'node:http';
import { availableParallelism, hostname } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  createLogger,
  intFromEnv,
  loadConfig,
  onStopSignals,
  runMain,
  startTracing,
} from '@rung/shared';
import { RedisStore, type WorkerInfo } from '@rung/store';
import { Redis } from 'ioredis';
import { loadWorkerTrainers } from './config/worker-config.js';
import { discoverGpus } from './gpu-discovery.js';
import { GpuMemorySampler } from './placement/gpu-memory.js';
import { Placement } from './placement/placement.js';
import { TrainerCatalog } from './trainers/catalog.js';
import { listTrainers } from './trainers/registry.js';
import { TrialIntake } from './trial-intake.js';
import { runTrialJob } from './trial-job.js';
import { SpareProcesses } from './trial-process/spare-processes.js';
import { createWorkerMetrics } from './worker-metrics.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const tracing = await startTracing('rung-worker');
  const env = process.env;
  const workerId = env.RUNG_WORKER_ID || `worker-${hostname()}-${process.pid}`;
  const logger = createLogger('gpu-worker', config.logLevel).child({ workerId });
  const cpuSlots = intFromEnv(env, 'RUNG_CPU_SLOTS', 1, 1, 256);
  const graceMs = intFromEnv(env, 'RUNG_SHUTDOWN_GRACE_MS', 10_000, 0, 3_600_000);
  // How long a job stays ours without a lock renewal; a dead worker's trials come back after it.
  const lockMs = intFromEnv(env, 'RUNG_JOB_LOCK_MS', 30_000, 1000, 600_000);
  const catalog = new TrainerCatalog(
    loadWorkerTrainers(
      env.RUNG_WORKER_CONFIG ?? '',
      trainerFlags(process.argv.slice(2)),
      listTrainers(),
    ),
  );
  // Shared by every worker of a cluster (a network volume), a retried trial resumes on any of them.
  const checkpointRoot = path.resolve(
    env.RUNG_CHECKPOINT_ROOT || path.join('.rung', 'checkpoints'),
  );
  const gpus = env.RUNG_GPUS === 'none' ? [] : await discoverGpus();
  // Cores that trials asking for `cpus` may reserve.
  const cores = intFromEnv(env, 'RUNG_CPUS', availableParallelism(), 1, 4096);
  const placement = new Placement(
    gpus.map((g) => g.index),
    cpuSlots,
    cores,
  );
  const slots = placement.standingSlots.length;
  // How often the GPU memory of running trials is read from nvidia-smi.
  const gpuMemory =
    gpus.length > 0
      ? new GpuMemorySampler(intFromEnv(env, 'RUNG_GPU_SAMPLE_MS', 2000, 50, 60_000))
      : undefined;
  let running = 0;

  // How often the worker announces itself; it counts as gone after three missed heartbeats, and
  // the scheduler then runs its trials again elsewhere.
  const heartbeatMs = intFromEnv(env, 'RUNG_HEARTBEAT_MS', 1000, 100, 60_000);

  // Workers wait out Redis outages (maxRetriesPerRequest: null), as BullMQ requires.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const store = new RedisStore(redis, { prefix: config.prefix });
  const startedAt = Date.now();
  const announce = (): WorkerInfo => ({
    workerId,
    slots,
    busy: running,
    trainers: catalog.announce(),
    gpus: gpus.map(({ index, name, memoryMiB }) => ({
      index,
      name,
      memoryMiB,
      free: placement.usage().freeGpuShares.get(index) ?? 1,
    })),
    host: hostname(),
    startedAt,
    at: Date.now(),
  });
  const heartbeat = () =>
    store
      .heartbeatWorker(announce(), heartbeatMs * 3)
      .catch((err) => logger.warn({ err }, 'heartbeat failed'));
  await store.heartbeatWorker(announce(), heartbeatMs * 3);
  const heartbeats = setInterval(heartbeat, heartbeatMs);

  const metrics = createWorkerMetrics({ slots, gpus: gpus.length > 0 });

  // One trial process waits ahead in each standing slot, so a freed slot starts its next trial
  // at once.
  const spares = new SpareProcesses();
  for (const slot of placement.standingSlots) spares.prepare(slot.id, slot.env);

  let shuttingDown = false;
  const live = new Set<{ kill(): void }>();
  const intake = new TrialIntake({
    queue: config.queue,
    prefix: `${config.prefix}bull`,
    connect: () => new Redis(config.redisUrl, { maxRetriesPerRequest: null }),
    placement,
    lockMs,
    logger,
    run: async (job, lease) => {
      running += 1;
      metrics.busy(1);
      const startedAt = Date.now();
      let result = 'error';
      try {
        result = await runTrialJob(job.data, {
          store,
          workerId,
          jobId: job.id ?? '',
          slot: lease.slot,
          // Only a standing slot's idle process is kept for its next trial.
          ...(lease.standing && { spares }),
          catalog,
          checkpointRoot,
          ...(gpuMemory && { gpuMemory }),
          logger,
          isShuttingDown: () => shuttingDown,
          onProcess: (proc, done) => {
            live.add(proc);
            void done.finally(() => live.delete(proc));
          },
          onReport: (seconds) => metrics.observeReport(seconds),
        });
        return result;
      } finally {
        running -= 1;
        metrics.busy(-1);
        const seconds = (Date.now() - startedAt) / 1000;
        metrics.trialEnded(result, job.data.sweepId, seconds, lease.slot.gpuShare);
      }
    },
    refuse: async (job, reason) => {
      const { sweepId, number } = job.data;
      await store.endTrial(sweepId, number, 'failed', reason, Date.now());
      logger.warn({ trialId: job.data.trialId, reason }, 'trial refused');
      metrics.trialEnded('failed', job.data.sweepId, 0);
      return 'failed';
    },
  });
  intake.onFailed((job, err) => {
    if (!job) return;
    const { sweepId, number } = job.data;
    logger.warn({ err, trialId: job.data.trialId, attemptsMade: job.attemptsMade }, 'job failed');
    if (job.attemptsMade >= (job.opts.attempts ?? 1)) {
      void store.endTrial(
        sweepId,
        number,
        'failed',
        `job failed ${job.attemptsMade} times: ${err.message}`,
        Date.now(),
      );
    }
  });

  const port = env.RUNG_WORKER_PORT ? intFromEnv(env, 'RUNG_WORKER_PORT', 0, 0, 65535) : undefined;
  const http =
    port === undefined
      ? undefined
      : createServer(async (req, res) => {
          if (req.url === '/healthz') {
            res.writeHead(intake.isRunning() ? 200 : 503, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({
                status: intake.isRunning() ? 'ok' : 'stopped',
                workerId,
                slots,
              }),
            );
          } else if (req.url === '/metrics') {
            res.writeHead(200, { 'content-type': metrics.registry.contentType });
            res.end(await metrics.registry.metrics());
          } else {
            res.writeHead(404).end();
          }
        }).listen(port, env.RUNG_WORKER_HOST || '127.0.0.1');

  logger.info(
    {
      slots: placement.standingSlots.map((s) => s.id),
      cores,
      gpus,
      queues: intake.queues,
      trainers: catalog.announce().map((t) => t.name),
    },
    'worker ready',
  );

  onStopSignals(async (signal) => {
    logger.info({ signal, active: live.size }, 'shutting down');
    // The last Redis calls wait out an outage (maxRetriesPerRequest: null): if Redis is gone for
    // good (its supervisor stopped it too), exit anyway rather than linger as an orphan.
    setTimeout(() => {
      logger.warn('shutdown deadline passed: exiting');
      process.exit(1);
    }, graceMs + 10_000).unref();
    spares.close();
    // intake.close() waits for active jobs with no deadline of its own: give trials a grace period,
    // then kill their trainers and force-close; their jobs are retried elsewhere.
    const closing = intake.close();
    const timedOut = await Promise.race([
      closing.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), graceMs)),
    ]);
    if (timedOut) {
      shuttingDown = true;
      for (const proc of live) proc.kill();
      await intake.close(true);
    }
    clearInterval(heartbeats);
    http?.close();
    await store.removeWorker(workerId).catch(() => undefined);
    await redis.quit().catch(() => undefined);
    await tracing.shutdown().catch(() => undefined);
    process.exit(0);
  });
}

/** The values of `--trainer NAME=PATH` (or `--trainer=NAME=PATH`) flags. */
function trainerFlags(argv: readonly string[]): string[] {
  const { values } = parseArgs({
    args: [...argv],
    options: { trainer: { type: 'string', multiple: true } },
  });
  return values.trainer ?? [];
}

runMain(main);

/**
 * The worker process: a BullMQ worker whose concurrency is its slot count (one per GPU, or
 * RUNG_CPU_SLOTS without GPUs); each trial trains in its own child process.
 * Config: REDIS_URL, RUNG_PREFIX, RUNG_QUEUE, RUNG_WORKER_ID, RUNG_CPU_SLOTS, RUNG_GPUS=none,
 * RUNG_WORKER_PORT (health and metrics; unset = off), RUNG_SHUTDOWN_GRACE_MS, RUNG_JOB_LOCK_MS,
 * RUNG_HEARTBEAT_MS, RUNG_WORKER_CONFIG (its own trainers: see config/worker-config.ts),
 * RUNG_CHECKPOINT_ROOT (trials' checkpoints; a shared volume on a cluster), LOG_LEVEL.
 */
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import path from 'node:path';
import {
  createLogger,
  intFromEnv,
  loadConfig,
  onStopSignals,
  runMain,
  type TrialJob,
} from '@rung/shared';
import { RedisStore, type WorkerInfo } from '@rung/store';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { loadWorkerConfig } from './config/worker-config.js';
import { discoverGpus } from './gpu-discovery.js';
import { SlotPool } from './slot-pool.js';
import { TrainerCatalog } from './trainers/catalog.js';
import { listTrainers } from './trainers/registry.js';
import { runTrialJob } from './trial-job.js';
import { SpareProcesses } from './trial-process/spare-processes.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const env = process.env;
  const workerId = env.RUNG_WORKER_ID || `worker-${hostname()}-${process.pid}`;
  const logger = createLogger('gpu-worker', config.logLevel).child({ workerId });
  const cpuSlots = intFromEnv(env, 'RUNG_CPU_SLOTS', 1, 1, 256);
  const graceMs = intFromEnv(env, 'RUNG_SHUTDOWN_GRACE_MS', 10_000, 0, 3_600_000);
  // How long a job stays ours without a lock renewal; a dead worker's trials come back after it.
  const lockMs = intFromEnv(env, 'RUNG_JOB_LOCK_MS', 30_000, 1000, 600_000);
  const catalog = new TrainerCatalog(
    env.RUNG_WORKER_CONFIG ? loadWorkerConfig(env.RUNG_WORKER_CONFIG, listTrainers()) : [],
  );
  // Shared by every worker of a cluster (a network volume), a retried trial resumes on any of them.
  const checkpointRoot = path.resolve(
    env.RUNG_CHECKPOINT_ROOT || path.join('.rung', 'checkpoints'),
  );
  const gpus = env.RUNG_GPUS === 'none' ? [] : await discoverGpus();
  const pool = SlotPool.fromGpus(gpus, cpuSlots);

  // How often the worker announces itself; it counts as gone after three missed heartbeats.
  const heartbeatMs = intFromEnv(env, 'RUNG_HEARTBEAT_MS', 2000, 100, 60_000);

  // Workers wait out Redis outages (maxRetriesPerRequest: null), as BullMQ requires.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const store = new RedisStore(redis, { prefix: config.prefix });
  const startedAt = Date.now();
  const announce = (): WorkerInfo => ({
    workerId,
    slots: pool.size,
    busy: pool.size - pool.freeCount,
    trainers: catalog.announce(),
    gpus: gpus.map(({ index, name, memoryMiB }) => ({ index, name, memoryMiB })),
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

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rung_worker_' });
  const trialsRun = new Counter({
    name: 'rung_worker_trials_total',
    help: 'Trials this worker ran, by how they ended',
    labelNames: ['result'],
    registers: [registry],
  });
  const busy = new Gauge({
    name: 'rung_worker_busy_slots',
    help: 'Slots running a trial',
    registers: [registry],
  });
  new Gauge({ name: 'rung_worker_slots', help: 'Slots of this worker', registers: [registry] }).set(
    pool.size,
  );

  // One trial process waits ahead in each slot, so a freed slot starts its next trial at once.
  const spares = new SpareProcesses();
  for (const slot of pool.slots) spares.prepare(slot.id, slot.env);

  let shuttingDown = false;
  const live = new Set<{ kill(): void }>();
  const worker = new Worker<TrialJob>(
    config.queue,
    async (job) => {
      const slot = pool.acquire();
      busy.inc();
      try {
        const result = await runTrialJob(job.data, {
          store,
          workerId,
          jobId: job.id ?? '',
          slot,
          spares,
          catalog,
          checkpointRoot,
          logger,
          isShuttingDown: () => shuttingDown,
          onProcess: (proc, done) => {
            live.add(proc);
            void done.finally(() => live.delete(proc));
          },
        });
        trialsRun.inc({ result });
        return result;
      } finally {
        busy.dec();
        pool.release(slot);
      }
    },
    {
      connection: new Redis(config.redisUrl, { maxRetriesPerRequest: null }),
      prefix: `${config.prefix}bull`,
      concurrency: pool.size,
      // A killed worker's jobs come back after the lock lapses; allow a few such crashes per trial.
      maxStalledCount: 5,
      lockDuration: lockMs,
      stalledInterval: lockMs,
    },
  );
  worker.on('failed', (job, err) => {
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
  worker.on('error', (err) => logger.error({ err }, 'worker error'));

  const port = env.RUNG_WORKER_PORT ? intFromEnv(env, 'RUNG_WORKER_PORT', 0, 0, 65535) : undefined;
  const http =
    port === undefined
      ? undefined
      : createServer(async (req, res) => {
          if (req.url === '/healthz') {
            res.writeHead(worker.isRunning() ? 200 : 503, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({
                status: worker.isRunning() ? 'ok' : 'stopped',
                workerId,
                slots: pool.size,
              }),
            );
          } else if (req.url === '/metrics') {
            res.writeHead(200, { 'content-type': registry.contentType });
            res.end(await registry.metrics());
          } else {
            res.writeHead(404).end();
          }
        }).listen(port, '127.0.0.1');

  logger.info(
    {
      slots: pool.slots.map((s) => s.id),
      gpus,
      trainers: catalog.announce().map((t) => t.name),
      queue: config.queue,
    },
    'worker ready',
  );

  onStopSignals(async (signal) => {
    logger.info({ signal, active: live.size }, 'shutting down');
    spares.close();
    // worker.close() waits for active jobs with no deadline of its own: give trials a grace period,
    // then kill their trainers and force-close; their jobs are retried elsewhere.
    const closing = worker.close();
    const timedOut = await Promise.race([
      closing.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), graceMs)),
    ]);
    if (timedOut) {
      shuttingDown = true;
      for (const proc of live) proc.kill();
      await worker.close(true);
    }
    clearInterval(heartbeats);
    http?.close();
    await store.removeWorker(workerId).catch(() => undefined);
    await redis.quit().catch(() => undefined);
    process.exit(0);
  });
}

runMain(main);

/**
 * The scheduler process: the REST API, and the scheduling loop while this replica holds the
 * leader lease. Config from the environment (REDIS_URL, RUNG_PORT, RUNG_HOST, RUNG_PREFIX,
 * RUNG_QUEUE, RUNG_LEADER_TTL_MS, RUNG_MAX_PARALLELISM, RUNG_MAX_RUN_CAP,
 * RUNG_MAX_TRIALS_PER_SECOND, RUNG_MAX_PARAMETERS, RUNG_EVENT_LOG_CAP, RUNG_ADMIN_TOKEN,
 * RUNG_BODY_LIMIT_BYTES, RUNG_REQUEST_TIMEOUT_MS, RUNG_RATE_LIMIT, RUNG_CORS_ORIGINS, LOG_LEVEL).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  createLogger,
  intFromEnv,
  loadConfig,
  onStopSignals,
  runMain,
  startTracing,
} from '@rung/shared';
import { RedisStore } from '@rung/store';
import { Redis } from 'ioredis';
import { buildApp } from './app.js';
import { isLoopbackHost } from './auth/api-auth.js';
import { createSchedulerMetrics } from './metrics.js';
import { LeaderLease } from './scheduling/leader-lease.js';
import { SchedulingLoop } from './scheduling/scheduling-loop.js';
import { ThreadSuggester } from './scheduling/suggester.js';
import { SweepScheduler } from './scheduling/sweep-scheduler.js';
import { TrialQueues } from './scheduling/trial-queues.js';
import { ThreadSpecValidator } from './sweeps/spec-validator.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const tracing = await startTracing('rung-scheduler');
  const logger = createLogger('scheduler', config.logLevel);
  if (config.api.adminToken === undefined && !isLoopbackHost(config.host)) {
    // An open API on a reachable address would let anyone submit and cancel sweeps.
    throw new Error(
      `RUNG_HOST=${config.host}: set RUNG_ADMIN_TOKEN to serve beyond this machine (without one the API is open and listens on loopback only)`,
    );
  }
  // API-side connections fail fast rather than queueing commands forever while Redis is away.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
  const store = new RedisStore(redis, { prefix: config.prefix, eventLogCap: config.eventLogCap });
  const queues = new TrialQueues(
    config.queue,
    new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }),
    `${config.prefix}bull`,
  );
  // The lease is made below; the metrics ask it only at scrape time.
  let leading = () => false;
  const metrics = createSchedulerMetrics(store, {
    queueDepth: () => queues.depth(),
    ping: () => redis.ping(),
    isLeader: () => leading(),
  });
  const suggester = new ThreadSuggester();
  const scheduler = new SweepScheduler({
    store,
    queueFor: (resources) => queues.for(resources),
    suggester,
    logger,
    maxTrialsPerSecond: config.limits.maxTrialsPerSecond,
    ...(config.prices.gpuHour !== undefined && { gpuHourPrice: config.prices.gpuHour }),
    onSuggest: (sampler, ms) => metrics.observeSuggest(sampler, ms),
  });
  const loop = new SchedulingLoop({ store, scheduler, logger });
  const lease = new LeaderLease({
    redis,
    key: store.keys.leader,
    fenceKey: store.keys.leaderFence,
    // Stable across restarts of this replica, so a restart after a crash leads at once (with
    // port 0 each process is a new replica: two of them on one host must not share an id).
    holder:
      process.env.RUNG_SCHEDULER_ID ||
      `scheduler-${hostname()}-${config.port === 0 ? randomUUID() : config.port}`,
    ttlMs: intFromEnv(process.env, 'RUNG_LEADER_TTL_MS', 5000, 300, 600_000),
    onElected: (fence) => {
      logger.info({ holder: lease.holder, fence }, 'leading');
      loop.start(fence);
    },
    onDeposed: (reason) => {
      logger.warn({ holder: lease.holder, reason }, 'no longer leading');
      void loop.stop();
    },
    onError: (err) => logger.warn({ err }, 'leader lease: Redis error'),
  });
  scheduler.mayCreate = () => lease.isLeader();
  leading = () => lease.isLeader();

  const validator = new ThreadSpecValidator();
  const app = await buildApp({
    store,
    scheduler,
    metrics,
    logger,
    limits: config.limits,
    api: config.api,
    prices: config.prices,
    validator,
    ping: () => redis.ping(),
    onSweepChanged: (id) => loop.touch(id),
  });
  await app.listen({ host: config.host, port: config.port });
  logger.info({ url: `http://${config.host}:${config.port}` }, 'scheduler listening');
  // Only once the port is ours: a second process started with this one's id fails to listen
  // before it could take the lease back from a live predecessor.
  lease.start();

  onStopSignals(async (signal) => {
    logger.info({ signal }, 'shutting down');
    // Closing waits on Redis; if Redis is gone, do not hang the supervisor that asked us to stop.
    setTimeout(() => {
      logger.warn('shutdown deadline passed: exiting');
      process.exit(1);
    }, 8_000).unref();
    await app.close();
    // Released, not left to expire: a restarted scheduler leads at once.
    await lease.release().catch(() => undefined);
    await loop.stop();
    await suggester.close();
    await validator.close();
    await store.close();
    await queues.close();
    await redis.quit();
    await tracing.shutdown().catch(() => undefined);
    process.exit(0);
  });
}

runMain(main);

/**
 * The scheduler process: REST API + the scheduling loop (when this replica holds the leader lease).
 * Config from the environment (REDIS_URL, RUNG_PORT, RUNG_HOST, RUNG_PREFIX, RUNG_QUEUE, LOG_LEVEL).
 */
import { randomUUID } from 'node:crypto';
import { createLogger, loadConfig, onStopSignals, runMain, type TrialJob } from '@rung/shared';
import { RungStore, type StoreEvent } from '@rung/store';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { buildApp } from './app.js';
import { createSchedulerMetrics } from './metrics.js';
import { LeaderLease } from './scheduling/leader-lease.js';
import { SweepScheduler } from './scheduling/sweep-scheduler.js';

const TICK_MS = 1000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('scheduler', config.logLevel);
  // API-side connections fail fast rather than queueing commands forever while Redis is away.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
  const subscriber = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const store = new RungStore(redis, { prefix: config.prefix });
  const queue = new Queue<TrialJob>(config.queue, {
    connection: new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }),
    prefix: `${config.prefix}bull`,
    defaultJobOptions: {
      // A job fails only on infrastructure errors (a trainer's failure is a trial state, not a
      // job failure), so a few retries with backoff ride out a Redis blip.
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 24 * 3600 },
    },
  });
  const metrics = createSchedulerMetrics(store);
  const scheduler = new SweepScheduler({
    store,
    queue,
    logger,
    onSuggest: (sampler, ms) => metrics.observeSuggest(sampler, ms),
  });
  const lease = new LeaderLease(redis, store.keys.leader, `scheduler-${randomUUID()}`);

  // All scheduling work runs one pass at a time; events only ask for an early pass.
  let leading = false;
  let running: Promise<void> = Promise.resolve();
  let kickTimer: NodeJS.Timeout | undefined;
  const pass = () => {
    running = running
      .then(async () => {
        const wasLeading = leading;
        leading = await lease.acquireOrRenew();
        if (leading !== wasLeading)
          logger.info({ holder: lease.holder, leading }, 'leadership changed');
        if (leading) await scheduler.tick();
      })
      .catch((err) => logger.error({ err }, 'scheduling pass failed'));
    return running;
  };
  const kick = () => {
    kickTimer ??= setTimeout(() => {
      kickTimer = undefined;
      void pass();
    }, 20);
  };

  await subscriber.subscribe(store.keys.events);
  subscriber.on('message', (_channel, message) => {
    const event = JSON.parse(message) as StoreEvent;
    // A trial leaving the queue/running states frees a slot; a new sweep needs its first trials.
    if (event.type === 'sweep' || !['queued', 'running'].includes(event.state)) kick();
  });
  const interval = setInterval(() => void pass(), TICK_MS);

  const app = await buildApp({ store, scheduler, metrics, logger, onSweepCreated: kick });
  await app.listen({ host: config.host, port: config.port });
  logger.info({ url: `http://${config.host}:${config.port}` }, 'scheduler listening');

  onStopSignals(async (signal) => {
    logger.info({ signal }, 'shutting down');
    // Closing waits on Redis; if Redis is gone, do not hang the supervisor that asked us to stop.
    setTimeout(() => {
      logger.warn('shutdown deadline passed: exiting');
      process.exit(1);
    }, 8_000).unref();
    clearInterval(interval);
    if (kickTimer) clearTimeout(kickTimer);
    await app.close();
    await running;
    await lease.release().catch(() => undefined);
    await queue.close();
    subscriber.disconnect();
    await redis.quit();
    process.exit(0);
  });
}

runMain(main);

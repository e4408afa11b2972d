/**
 * One measurement of bench:scale's pass, in a process of its own (see pass.ts): loads every sweep,
 * then times reconciles that each create one trial, and counts their Redis calls with MONITOR.
 * Argument: JSON { redisUrl, prefix, ids, size, samples }; prints the figures as JSON.
 */
import { createLogger, type TrialJob } from '@rung/shared';
import { RedisStore } from '@rung/store';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { SweepScheduler, ThreadSuggester } from '../../apps/scheduler/src/index.js';
import type { PassFigures } from './pass.js';
import { percentile, round } from './stats.js';

export interface PassChildArgs {
  redisUrl: string;
  prefix: string;
  ids: string[];
  /** Finished trials per sweep. */
  size: number;
  samples: number;
}

/**
 * Counts what Redis runs while `work` runs, through MONITOR: commands sent by clients, and those
 * the scripts run (MONITOR marks their source `lua`).
 */
async function counted(
  redisUrl: string,
  work: () => Promise<void>,
): Promise<{ calls: number; commands: number }> {
  const monitor = await new Redis(redisUrl).monitor();
  let calls = 0;
  let inScripts = 0;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (args[0]?.toLowerCase() === 'info') return;
    if (source === 'lua') inScripts += 1;
    else calls += 1;
  });
  await work();
  // MONITOR's feed trails the replies: a marker command shows when it has caught up.
  const marker = new Redis(redisUrl);
  const seen = new Promise<void>((resolve) => {
    monitor.on('monitor', (_t: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'info') resolve();
    });
  });
  await marker.info('server');
  await seen;
  marker.disconnect();
  monitor.disconnect();
  return { calls, commands: calls + inScripts };
}

async function measureAt(opts: PassChildArgs): Promise<PassFigures> {
  const { prefix, ids, size } = opts;
  const redis = new Redis(opts.redisUrl);
  const store = new RedisStore(redis, { prefix });
  const queueConnection = new Redis(opts.redisUrl);
  const queue = new Queue<TrialJob>('scale', {
    connection: queueConnection,
    prefix: `${prefix}bull`,
  });
  const suggester = new ThreadSuggester();
  const scheduler = new SweepScheduler({
    store,
    queueFor: () => queue,
    suggester,
    logger: createLogger('bench', 'silent'),
    maxTrialsPerSecond: 1_000_000,
  });
  try {
    const loading = performance.now();
    for (const id of ids) await scheduler.ensure(id);
    const rebuildS = (performance.now() - loading) / 1000;
    // Every sweep at its parallelism first (this also hands each sampler its history).
    for (const id of ids) await scheduler.reconcile(id);
    // A slot freed as a worker frees one: a queued trial runs and completes.
    const freeOne = async (id: string) => {
      const [number] = scheduler.live.get(id)!.pending.keys();
      const start = await store.startTrial(id, number!, {
        workerId: 'w',
        jobId: 'j',
        now: Date.now(),
      });
      if (!start.ok) throw new Error(`pass: trial ${number} of ${id} did not start`);
      await store.finishTrial(id, number!, start.attempt, {
        state: 'completed',
        value: 0.5,
        now: Date.now(),
      });
    };
    const times: number[] = [];
    const samples = opts.samples;
    for (let k = 0; k < samples; k++) {
      const id = ids[k % ids.length]!;
      await freeOne(id);
      const t0 = performance.now();
      await scheduler.reconcile(id);
      times.push(performance.now() - t0);
    }
    // Counted apart from the timings: MONITOR slows Redis down.
    const countedSamples = Math.min(20, samples);
    let calls = 0;
    let commands = 0;
    for (let k = 0; k < countedSamples; k++) {
      const id = ids[k % ids.length]!;
      await freeOne(id);
      const before = (await store.sweepStatus(id))!.trials;
      const c = await counted(opts.redisUrl, async () => {
        await scheduler.reconcile(id);
      });
      if ((await store.sweepStatus(id))!.trials !== before + 1)
        throw new Error('pass: a reconcile created no trial');
      calls += c.calls;
      commands += c.commands;
    }
    return {
      sweeps: ids.length,
      historyTrials: ids.length * size,
      p50Ms: round(percentile(times, 0.5)),
      p99Ms: round(percentile(times, 0.99)),
      redisCallsPerTrial: round(calls / countedSamples, 1),
      redisCommandsPerTrial: round(commands / countedSamples, 1),
      rebuildS: round(rebuildS, 1),
      samples,
    };
  } finally {
    await suggester.close();
    await queue.close();
    queueConnection.disconnect();
    await store.close();
    redis.disconnect();
  }
}

const figures = await measureAt(JSON.parse(process.argv[2]!) as PassChildArgs);
process.stdout.write(`${JSON.stringify(figures)}\n`);
process.exit(0);

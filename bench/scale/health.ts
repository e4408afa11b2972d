/**
 * Does the API stay responsive while the scheduler works hard? `/healthz` is polled every 20 ms
 * from another process while, in the API's process, a GP sweep with 300 finished trials is
 * suggesting back to back and 1 MB sweep specs (158,000 values) are submitted every 2 s — with
 * suggestions and validation where the server runs them (worker threads).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createLogger, type TrialJob } from '@rung/shared';
import { RedisStore } from '@rung/store';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  buildApp,
  SweepScheduler,
  ThreadSpecValidator,
  ThreadSuggester,
} from '../../apps/scheduler/src/index.js';
import { percentile, round } from './stats.js';

export interface HealthFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  polls: number;
  /** GP suggestions made while polling. */
  gpSuggestions: number;
  /** 1 MB specs submitted while polling, and how long each took to answer (p50). */
  bigSpecs: number;
  bigSpecMs: number;
}

/** A spec of about 1 MB: one categorical parameter with 158,000 values. */
export function bigSpec(): string {
  const values = Array.from({ length: 158_000 }, (_, i) => i);
  return JSON.stringify({
    method: 'random',
    metric: { name: 'val_loss', goal: 'minimize' },
    parameters: { units: { values }, lr: { min: 0.0001, max: 0.1 } },
    trainer: 'sleep',
  });
}

export async function measureHealth(redisUrl: string, seconds = 10): Promise<HealthFigures> {
  const prefix = `scale-health-${Date.now()}:`;
  const redis = new Redis(redisUrl);
  const store = new RedisStore(redis, { prefix });
  const queueConnection = new Redis(redisUrl);
  const queue = new Queue<TrialJob>('health', {
    connection: queueConnection,
    prefix: `${prefix}bull`,
  });
  const suggester = new ThreadSuggester();
  const logger = createLogger('bench', 'silent');
  const scheduler = new SweepScheduler({
    store,
    queueFor: () => queue,
    suggester,
    logger,
    maxTrialsPerSecond: 1e6,
  });
  const validator = new ThreadSpecValidator();
  const app = await buildApp({
    store,
    scheduler,
    validator,
    ping: () => redis.ping(),
    onSweepChanged: () => undefined,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  try {
    // A 6-dimensional GP sweep with 300 finished trials, one slot: every reconcile fits the GP.
    const sweepId = 'sw-health-gp';
    await store.createSweep({
      id: sweepId,
      spec: {
        method: 'gp',
        metric: { name: 'val_loss', goal: 'minimize' },
        parameters: Object.fromEntries(
          ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => [
            n,
            { distribution: 'uniform', min: 0, max: 1 },
          ]),
        ) as never,
        pruner: { type: 'none' },
        trainer: { name: 'sleep', options: {} },
        parallelism: 1,
        run_cap: 100_000,
        seed: 1,
      },
      sampler: 'gp',
      warnings: [],
      now: Date.now(),
    });
    const finishNext = async () => {
      const { trials: number } = (await store.sweepStatus(sweepId))!;
      await scheduler.reconcile(sweepId);
      const start = await store.startTrial(sweepId, number, {
        workerId: 'w',
        jobId: 'j',
        now: Date.now(),
      });
      if (!start.ok) throw new Error('health: the GP trial did not start');
      const point = (await store.getTrial(sweepId, number))!.point!;
      const value = point.reduce((s, x, i) => s + (x - 0.1 * (i + 1)) ** 2, 0);
      await store.finishTrial(sweepId, number, start.attempt, {
        state: 'completed',
        value,
        now: Date.now(),
      });
    };
    for (let i = 0; i < 300; i++) await finishNext();

    const end = performance.now() + seconds * 1000;
    let gpSuggestions = 0;
    const gpLoad = (async () => {
      while (performance.now() < end) {
        await finishNext();
        gpSuggestions++;
      }
    })();
    const specTimes: number[] = [];
    const text = bigSpec();
    const specLoad = (async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await fetch(`${base}/v1/sweeps`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: text,
        });
        if (res.status !== 201)
          throw new Error(`health: the 1 MB spec got ${res.status}: ${await res.text()}`);
        specTimes.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 2000));
      }
    })();
    const [latencies] = await Promise.all([poll(`${base}/healthz`, seconds, 20), gpLoad, specLoad]);
    return {
      p50Ms: round(percentile(latencies, 0.5)),
      p99Ms: round(percentile(latencies, 0.99)),
      maxMs: round(Math.max(...latencies)),
      polls: latencies.length,
      gpSuggestions,
      bigSpecs: specTimes.length,
      bigSpecMs: round(percentile(specTimes, 0.5), 0),
    };
  } finally {
    await app.close();
    await suggester.close();
    await validator.close();
    await queue.close();
    queueConnection.disconnect();
    await store.close();
    redis.disconnect();
  }
}

/** Latencies of polling `url` every `every` ms for `seconds` s, from a process of its own. */
function poll(url: string, seconds: number, every: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, 'health-poller.mjs'), url, String(seconds), String(every)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as number[])
        : reject(new Error(`poller exited ${code}`)),
    );
  });
}

/**
 * Report → pruning decision latency under load: 64 running trials report at a paced aggregate
 * rate through the one-call report path (`store.report` with the median rule's query), against a
 * sweep whose completed trials left curves behind; the decision is taken as a worker takes it.
 */
import { createMedianPruner, type StepValue } from '@rung/search';
import { RedisStore } from '@rung/store';
import { Redis } from 'ioredis';
import { scaleSpec, seedFinished } from './seed.js';
import { percentile, round } from './stats.js';

export interface ReportFigures {
  /** Reports per second actually sent. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  trials: number;
  /** Completed trials whose curves the rule compares against. */
  peers: number;
  reports: number;
}

export interface ReportOptions {
  redisUrl: string;
  /** Aggregate target rate. @defaultValue 5000 */
  perSecond?: number;
  /** Concurrent trials. @defaultValue 64 */
  trials?: number;
  /** Seconds of load. @defaultValue 10 */
  seconds?: number;
  /** Completed trials with curves (steps 1..50) before the load starts. @defaultValue 1000 */
  peers?: number;
  /** Connections the trials share, as if spread over this many workers. @defaultValue 4 */
  workers?: number;
}

const STEPS = 50;

export async function measureReports(opts: ReportOptions): Promise<ReportFigures> {
  const rate = opts.perSecond ?? 5000;
  const trials = opts.trials ?? 64;
  const seconds = opts.seconds ?? 10;
  const peers = opts.peers ?? 1000;
  const prefix = `scale-reports-${Date.now()}:`;
  const seeder = new Redis(opts.redisUrl, { enableAutoPipelining: true });
  const seedStore = new RedisStore(seeder, { prefix });
  const sweepId = 'sw-reports';
  await seedStore.createSweep({
    id: sweepId,
    spec: scaleSpec(trials, 10_000_000),
    sampler: 'random',
    warnings: [],
    now: Date.now(),
  });
  await seedFinished(seedStore, sweepId, peers, { steps: STEPS });
  const connections = Array.from({ length: opts.workers ?? 4 }, () => new Redis(opts.redisUrl));
  const stores = connections.map((c) => new RedisStore(c, { prefix }));
  const metric = { name: 'val_loss', goal: 'minimize' } as const;
  // Enough queued trials for the whole run: each of the `trials` slots runs one after another,
  // 50 steps each, and completes it (its curve joins the peers), as workers do.
  const needed = trials + Math.ceil((rate * seconds) / STEPS) + trials;
  const now = Date.now();
  await Promise.all(
    Array.from({ length: needed }, (_, i) =>
      seedStore.createTrial(sweepId, { number: peers + i, params: {}, point: [], now, fence: 0 }),
    ),
  );
  let nextTrial = peers;
  const pruner = createMedianPruner({ startupTrials: 5 });
  const latencies: number[] = [];
  const perSlotInterval = (1000 * trials) / rate;
  const began = performance.now();
  const end = began + seconds * 1000;
  await Promise.all(
    Array.from({ length: trials }, async (_, slot) => {
      const store = stores[slot % stores.length]!;
      // Staggered starts, then a fixed schedule: a late report does not shift the next ones.
      let due = began + (slot * perSlotInterval) / trials;
      while (performance.now() < end) {
        const number = nextTrial++;
        const start = await store.startTrial(sweepId, number, {
          workerId: 'w',
          jobId: 'j',
          now: Date.now(),
        });
        if (!start.ok) throw new Error(`reports: trial ${number} did not start (${start.state})`);
        const curve: StepValue[] = [];
        for (let step = 1; step <= STEPS; step++) {
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          due += perSlotInterval;
          if (performance.now() >= end) return;
          const loss = 0.3 + 1 / step + (number % 7) / 10;
          curve.push({ step, loss });
          const t0 = performance.now();
          const context = { trial: number, step, reports: curve };
          const query = pruner.query(context);
          const outcome = await store.report(
            sweepId,
            number,
            start.attempt,
            { step, metrics: { val_loss: loss }, at: Date.now() },
            query ? { metric, query } : { metric },
          );
          if (outcome.state === 'running' && query && outcome.peers) {
            pruner.decide({
              ...context,
              peers: outcome.peers,
              completedTrials: outcome.completedTrials,
            });
          }
          latencies.push(performance.now() - t0);
        }
        await store.finishTrial(sweepId, number, start.attempt, {
          state: 'completed',
          value: curve.at(-1)!.loss,
          now: Date.now(),
          curve,
        });
      }
    }),
  );
  const elapsed = (performance.now() - began) / 1000;
  for (const s of stores) await s.close();
  for (const c of connections) c.disconnect();
  await seedStore.close();
  seeder.disconnect();
  return {
    perSecond: round(latencies.length / elapsed, 0),
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
    trials,
    peers,
    reports: latencies.length,
  };
}

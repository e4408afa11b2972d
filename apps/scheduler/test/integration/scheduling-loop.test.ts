/**
 * The leader's side against a real redis-server: the lease (fencing tokens, release, take-over),
 * and the scheduling loop reacting to the event logs alone — no test calls `reconcile` here.
 */
import { randomUUID } from 'node:crypto';
import { createLogger, type SweepSpec, type TrialJob } from '@rung/shared';
import { RedisStore } from '@rung/store';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { InlineSuggester, LeaderLease, SchedulingLoop, SweepScheduler } from '../../src/index.js';

const connections: Redis[] = [];
const cleanups: (() => Promise<void>)[] = [];
const connect = () => {
  const r = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  connections.push(r);
  return r;
};
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
afterAll(async () => {
  for (const c of connections) await c.quit();
});

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  ms = 5000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the leader lease', () => {
  it('elects one replica, with a fencing token that grows at each election', async () => {
    const redis = connect();
    const key = `test-${randomUUID()}:leader`;
    const log: string[] = [];
    const lease = (holder: string) =>
      new LeaderLease({
        redis,
        key,
        fenceKey: `${key}:fence`,
        holder,
        ttlMs: 600,
        onElected: (fence) => log.push(`${holder} elected ${fence}`),
        onDeposed: (reason) => log.push(`${holder} deposed: ${reason}`),
      });
    const a = lease('a');
    const b = lease('b');
    a.start();
    await until('a leads', async () => a.isLeader());
    b.start();
    await new Promise((r) => setTimeout(r, 700));
    expect(b.isLeader()).toBe(false);
    expect(a.isLeader()).toBe(true);
    // A clean release hands over at b's next try, not after the lease's lifetime.
    const released = Date.now();
    await a.release();
    await until('b leads', async () => b.isLeader());
    expect(Date.now() - released).toBeLessThan(600);
    expect(b.token).toBeGreaterThan(a.token);
    // Someone else holds the key now (b was presumed dead): b steps down at its next renewal.
    await redis.set(key, 'c', 'PX', 5000);
    await until('b steps down', async () => !b.isLeader());
    expect(log).toEqual([
      `a elected ${a.token}`,
      'a deposed: released',
      `b elected ${b.token}`,
      'b deposed: the lease was taken over',
    ]);
    await b.release();
    // 'c' crashed holding the lease (5 s left); restarted under the same id, it leads at once,
    // in a new term.
    const fenceBefore = Number(await redis.get(`${key}:fence`));
    const c = lease('c');
    c.start();
    await until('the restarted c leads', async () => c.isLeader(), 1000);
    expect(c.token).toBe(fenceBefore + 1);
    await c.release();
  });
});

describe('the scheduling loop', () => {
  async function cluster() {
    const redis = connect();
    const prefix = `test-${randomUUID()}:`;
    const store = new RedisStore(redis, { prefix });
    const queue = new Queue<TrialJob>(`q-${randomUUID()}`, {
      connection: connect(),
      prefix: `${prefix}bull`,
    });
    const logger = createLogger('test', 'silent');
    const scheduler = new SweepScheduler({
      store,
      queueFor: () => queue,
      suggester: new InlineSuggester(),
      logger,
    });
    const loop = new SchedulingLoop({
      store,
      scheduler,
      logger,
      followBlockMs: 200,
      capacityMs: 100,
    });
    cleanups.push(async () => {
      await loop.stop();
      await store.close();
      await queue.close();
    });
    return { store, queue, scheduler, loop };
  }

  const spec = (parallelism: number, runCap: number): SweepSpec => ({
    method: 'random',
    metric: { name: 'val_loss', goal: 'minimize' },
    parameters: { x: { distribution: 'uniform', min: 0, max: 1 } },
    pruner: { type: 'none' },
    trainer: { name: 'mlp', options: {} },
    parallelism,
    run_cap: runCap,
    seed: 3,
  });

  /** Plays a worker: starts and completes every queued trial of a sweep. */
  async function completeQueued(store: RedisStore, sweepId: string) {
    for (const t of await store.activeTrials(sweepId)) {
      if (t.state !== 'queued') continue;
      const s = await store.startTrial(sweepId, t.number, {
        workerId: 'w',
        jobId: 'j',
        now: Date.now(),
      });
      if (s.ok)
        await store.finishTrial(sweepId, t.number, s.attempt, {
          state: 'completed',
          value: 1,
          now: Date.now(),
        });
    }
  }

  it('starts new sweeps and refills freed slots from the event logs alone, to the end', async () => {
    const { store, loop } = await cluster();
    loop.start(1);
    await store.createSweep({
      id: 'sw-loop',
      spec: spec(2, 5),
      sampler: 'random',
      warnings: [],
      now: Date.now(),
    });
    await until(
      'two trials queued',
      async () => (await store.sweepStatus('sw-loop'))?.counts.queued === 2,
    );
    for (let round = 0; round < 3; round++) {
      await completeQueued(store, 'sw-loop');
      await new Promise((r) => setTimeout(r, 50));
    }
    const done = await until('the sweep completes', async () => {
      await completeQueued(store, 'sw-loop');
      const s = await store.getSweep('sw-loop');
      return s?.state === 'completed' && s;
    });
    expect(done.stopReason).toBe('run_cap');
    expect(done.counts.completed).toBe(5);
    expect(done.trials).toBe(5);
  });

  it('gives a second sweep its first trial at once, however much the first asks for', async () => {
    const { store, loop } = await cluster();
    // The cluster has 8 slots (one worker's heartbeat says so).
    await store.heartbeatWorker(
      {
        workerId: 'w',
        slots: 8,
        busy: 0,
        trainers: [{ name: 'mlp' }],
        gpus: [],
        host: 'h',
        startedAt: 0,
        at: Date.now(),
      },
      60_000,
    );
    loop.start(1);
    await store.createSweep({
      id: 'sw-big',
      spec: spec(1000, 100_000),
      sampler: 'random',
      warnings: [],
      now: Date.now(),
    });
    await until(
      'the big sweep fills the cluster',
      async () => (await store.sweepStatus('sw-big'))?.counts.queued === 8,
    );
    const submitted = Date.now();
    await store.createSweep({
      id: 'sw-small',
      spec: spec(2, 10),
      sampler: 'random',
      warnings: [],
      now: Date.now(),
    });
    await until(
      'the small sweep has a trial',
      async () => (await store.sweepStatus('sw-small'))?.trials === 1,
      2000,
    );
    expect(Date.now() - submitted).toBeLessThan(2000);
    // As the big sweep's trials finish, the small one gets its share (1 of 8) and no more.
    await completeQueued(store, 'sw-big');
    await until(
      'slots refilled',
      async () => (await store.sweepStatus('sw-big'))?.counts.queued === 7,
    );
    expect((await store.sweepStatus('sw-small'))?.counts.queued).toBe(1);
  });

  it("runs a lost worker's trial again once its heartbeat lapses, up to max_retries", async () => {
    const { store, queue, loop } = await cluster();
    const beat = (workerId: string, ttlMs: number, startedAt = 0) =>
      store.heartbeatWorker(
        {
          workerId,
          slots: 2,
          busy: 1,
          trainers: [{ name: 'mlp' }],
          gpus: [],
          host: 'h',
          startedAt,
          at: Date.now(),
        },
        ttlMs,
      );
    await beat('w-live', 60_000);
    loop.start(1);
    await store.createSweep({
      id: 'sw-lost',
      spec: { ...spec(2, 2), max_retries: 1 },
      sampler: 'random',
      warnings: [],
      now: Date.now(),
    });
    await until(
      'two trials queued',
      async () => (await store.sweepStatus('sw-lost'))?.counts.queued === 2,
    );
    // Trial 0 runs on a worker that stops heartbeating; trial 1 on one that goes on.
    await beat('w-dying', 300);
    const start = (number: number, workerId: string, jobId: string) =>
      store.startTrial('sw-lost', number, { workerId, jobId, now: Date.now() });
    const first = await start(0, 'w-dying', 'sw-lost-0-e1');
    expect(first.ok).toBe(true);
    expect((await start(1, 'w-live', 'sw-lost-1-e1')).ok).toBe(true);

    const retried = await until('trial 0 retried', async () => {
      const t = await store.getTrial('sw-lost', 0);
      return t?.state === 'queued' && t;
    });
    expect(retried.retries).toBe(1);
    // Its new job is on the queue; the healthy worker's trial was left alone.
    await until(
      'the retry is enqueued',
      async () => (await queue.getJob('sw-lost-0-e2')) !== undefined,
    );
    expect((await store.getTrial('sw-lost', 1))?.state).toBe('running');

    // The second attempt's worker is lost too: max_retries (1) is spent, so the trial fails.
    await beat('w-dying-2', 300);
    expect((await start(0, 'w-dying-2', 'sw-lost-0-e2')).ok).toBe(true);
    const failed = await until('trial 0 failed', async () => {
      const t = await store.getTrial('sw-lost', 0, { attempts: true });
      return t?.state === 'failed' && t;
    });
    expect(failed.error).toBe(
      'worker w-dying-2 stopped heartbeating; not retried: 1 retries spent (max_retries 1)',
    );
    expect(failed.attempts?.[0]).toMatchObject({
      endedBy: 'lost',
      error: 'worker w-dying stopped heartbeating',
    });

    // A worker restarted under the same id (its heartbeat says when it started) lost its trial.
    await beat('w-live', 60_000, Date.now() + 1);
    const again = await until('trial 1 retried', async () => {
      const t = await store.getTrial('sw-lost', 1, { attempts: true });
      return t?.state === 'queued' && t;
    });
    expect(again.attempts?.[0]?.error).toBe('worker w-live restarted while the trial ran');
  });
});

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RungStore } from '../../src/index.js';
import { parseSweepSpecForTest } from './spec-fixture.js';

let redis: Redis;
let store: RungStore;
const spec = parseSweepSpecForTest();

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
  store = new RungStore(redis, { prefix: `test-${randomUUID()}:` });
});
afterAll(async () => {
  await redis.quit();
});

async function runningTrial(sweepId: string, n = 0) {
  expect(await store.createTrial(sweepId, n, { x: n }, [n / 10], 1000)).toBe('created');
  const started = await store.startTrial(sweepId, n, 'w1', 1001);
  if (!started.ok) throw new Error('not started');
  return started.attempt;
}

describe('RungStore', () => {
  it('allocates trial numbers by compare-and-set', async () => {
    await store.createSweep('sw-a', spec, { sampler: 'random', warnings: [], now: 1 });
    expect(await store.createTrial('sw-a', 0, { x: 1 }, [0.1], 2)).toBe('created');
    // A second scheduler that computed the same number loses the race instead of duplicating.
    expect(await store.createTrial('sw-a', 0, { x: 2 }, [0.2], 2)).toBe('taken');
    expect(await store.createTrial('sw-a', 1, { x: 3 }, [0.3], 3)).toBe('created');
    const sweep = await store.getSweep('sw-a');
    expect(sweep?.trials).toBe(2);
    expect(sweep?.counts.queued).toBe(2);
  });

  it('counts every state change once, however often a transition is retried', async () => {
    await store.createSweep('sw-b', spec, { sampler: 'random', warnings: [], now: 1 });
    const attempt = await runningTrial('sw-b');
    const done = { state: 'completed' as const, value: 0.5, now: 5 };
    expect(await store.finishTrial('sw-b', 0, attempt, done, spec.metric)).toBe(true);
    expect(await store.finishTrial('sw-b', 0, attempt, done, spec.metric)).toBe(false);
    const sweep = await store.getSweep('sw-b');
    expect(sweep?.counts).toMatchObject({ queued: 0, running: 0, completed: 1 });
    expect(sweep?.best).toMatchObject({ number: 0, value: 0.5 });
  });

  it('fences off a stale attempt after the job is redelivered', async () => {
    await store.createSweep('sw-c', spec, { sampler: 'random', warnings: [], now: 1 });
    const first = await runningTrial('sw-c');
    const second = await store.startTrial('sw-c', 0, 'w2', 2000);
    expect(second).toEqual({ ok: true, attempt: first + 1 });
    const report = { step: 1, metrics: { val_loss: 1 }, at: 3 };
    expect(await store.addReport('sw-c', 0, first, report)).toBe('superseded');
    expect(await store.addReport('sw-c', 0, first + 1, report)).toBe('running');
    const fin = await store.finishTrial(
      'sw-c',
      0,
      first,
      { state: 'completed', value: 1, now: 4 },
      spec.metric,
    );
    expect(fin).toBe(false);
    expect((await store.getSweep('sw-c'))?.counts.running).toBe(1);
  });

  it('feeds completed curves into rung data and orders the leaderboard by goal', async () => {
    await store.createSweep('sw-d', spec, { sampler: 'random', warnings: [], now: 1 });
    const finals = [0.9, 0.2, 0.5];
    for (const [n, v] of finals.entries()) {
      const attempt = await runningTrial('sw-d', n);
      await store.addReport('sw-d', n, attempt, { step: 1, metrics: { val_loss: v + 1 }, at: 1 });
      await store.addReport('sw-d', n, attempt, { step: 2, metrics: { val_loss: v }, at: 2 });
      await store.finishTrial(
        'sw-d',
        n,
        attempt,
        { state: 'completed', value: v, now: 3 },
        spec.metric,
      );
    }
    expect((await store.rungLosses('sw-d', 1)).sort()).toEqual([1.2, 1.5, 1.9]);
    expect((await store.leaderboard('sw-d', 'minimize', 10)).map((t) => t.value)).toEqual([
      0.2, 0.5, 0.9,
    ]);
    expect((await store.leaderboard('sw-d', 'maximize', 2)).map((t) => t.value)).toEqual([
      0.9, 0.5,
    ]);
    const trial = await store.getTrial('sw-d', 1);
    expect(trial?.reports.map((r) => r.step)).toEqual([1, 2]);
  });

  it('stores a report sent twice once, and refuses reports for a trial that is not running', async () => {
    await store.createSweep('sw-e', spec, { sampler: 'random', warnings: [], now: 1 });
    const attempt = await runningTrial('sw-e');
    const report = { step: 1, metrics: { val_loss: 1 }, at: 1 };
    await store.addReport('sw-e', 0, attempt, report);
    await store.addReport('sw-e', 0, attempt, report);
    expect((await store.getTrial('sw-e', 0))?.reports).toHaveLength(1);
    expect(await store.cancelTrial('sw-e', 0, 'sweep cancelled', 2)).toBe(true);
    expect(await store.addReport('sw-e', 0, attempt, { ...report, step: 2 })).toBe('cancelled');
  });

  it('moves a sweep by compare-and-set', async () => {
    await store.createSweep('sw-f', spec, { sampler: 'random', warnings: [], now: 1 });
    expect(
      await store.transitionSweep('sw-f', ['running'], 'completed', { stopReason: 'run_cap' }),
    ).toBe(true);
    expect(await store.transitionSweep('sw-f', ['running'], 'cancelled')).toBe(false);
    expect(await store.createTrial('sw-f', 0, {}, [], 1)).toBe('not_running');
    expect((await store.getSweep('sw-f'))?.stopReason).toBe('run_cap');
  });
});

/**
 * `GET /v1/sweeps/:id/stream` over a real socket against a real Redis: events arrive live, and a
 * client that reconnects with Last-Event-ID goes on after the last event it got.
 */
import { randomUUID } from 'node:crypto';
import { createLogger, type TrialJob } from '@rung/shared';
import { RedisStore } from '@rung/store';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp, InlineSuggester, SweepScheduler } from '../../src/index.js';

let redis: Redis;
let store: RedisStore;
let queue: Queue<TrialJob>;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  const prefix = `test-${randomUUID()}:`;
  redis = new Redis(inject('redisUrl'));
  store = new RedisStore(redis, { prefix });
  queue = new Queue<TrialJob>(`q-${randomUUID()}`, {
    connection: new Redis(inject('redisUrl')),
    prefix: `${prefix}bull`,
  });
  const scheduler = new SweepScheduler({
    store,
    queueFor: () => queue,
    suggester: new InlineSuggester(),
    logger: createLogger('test', 'silent'),
  });
  app = await buildApp({ store, scheduler, ping: () => redis.ping(), onSweepChanged: () => {} });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});

afterAll(async () => {
  // Closing the app ends the streams still open.
  await app.close();
  await store.close();
  await queue.close();
  await redis.quit();
});

interface Sse {
  id: string;
  event: string;
  data: { type: string; number?: number };
}

/** Reads SSE events from a stream until `count` have come (or `ms` pass), then disconnects. */
async function read(url: string, count: number, headers: Record<string, string> = {}, ms = 10_000) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Sse[] = [];
  let buffer = '';
  const deadline = Date.now() + ms;
  const timeout = setTimeout(() => abort.abort(), ms);
  while (events.length < count && Date.now() < deadline) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const field = (name: string) =>
        block
          .split('\n')
          .find((l) => l.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      const data = field('data');
      if (data) events.push({ id: field('id')!, event: field('event')!, data: JSON.parse(data) });
    }
  }
  clearTimeout(timeout);
  abort.abort();
  return events;
}

describe('a sweep as Server-Sent Events', () => {
  it('sends the log live, and after a reconnect goes on after Last-Event-ID', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: { 'content-type': 'application/yaml' },
      payload: 'method: random\ntrainer: mlp\nparameters: { x: { min: 0, max: 1 } }\nrun_cap: 9\n',
    });
    const { sweep } = res.json();
    const url = `${base}/v1/sweeps/${sweep.id}/stream`;
    const create = (number: number) =>
      store.createTrial(sweep.id, {
        number,
        params: { x: 0.5 },
        point: [0.5],
        now: Date.now(),
        fence: 0,
      });
    await create(0);
    // Created while the stream is open: arrives live.
    const first = read(url, 3);
    setTimeout(() => void create(1), 300);
    const got = await first;
    expect(got.map((e) => [e.event, e.data.number])).toEqual([
      ['sweep.created', undefined],
      ['trial.created', 0],
      ['trial.created', 1],
    ]);
    expect(got.every((e) => e.id === (e.data as unknown as { id: string }).id)).toBe(true);

    // The client was away while two more trials were created: it resumes after the last it got.
    await create(2);
    await create(3);
    const resumed = await read(url, 2, { 'last-event-id': got.at(-1)!.id });
    expect(resumed.map((e) => e.data.number)).toEqual([2, 3]);
    // `after=$`: only what happens from now on (nothing, here, within a second).
    expect(await read(`${url}?after=$`, 1, {}, 1000)).toEqual([]);
    expect((await fetch(`${base}/v1/sweeps/sw-none/stream`)).status).toBe(404);
  });
});

/**
 * The API's guards against a real Redis: tokens and scopes, loopback-only while open, refused
 * content types, body and request limits, rate limits, and the specs that used to answer 500.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import {
  type ApiConfig,
  type ClusterLimits,
  createLogger,
  DEFAULT_API_CONFIG,
  type TrialJob,
} from '@rung/shared';
import { RedisStore } from '@rung/store';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp, InlineSuggester, SweepScheduler } from '../../src/index.js';

const ADMIN = 'admin-token-for-the-guard-tests';
const SPEC = JSON.stringify({
  method: 'random',
  trainer: 'mlp',
  parameters: { lr: { min: 0.001, max: 0.1 } },
  run_cap: 2,
});

let redis: Redis;
let store: RedisStore;
let queue: Queue<TrialJob>;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  const prefix = `test-${randomUUID()}:`;
  redis = new Redis(inject('redisUrl'));
  store = new RedisStore(redis, { prefix });
  queue = new Queue<TrialJob>(`q-${randomUUID()}`, {
    connection: new Redis(inject('redisUrl')),
    prefix: `${prefix}bull`,
  });
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await store.close();
  await queue.close();
  await redis.quit();
});

async function appWith(
  api: Partial<ApiConfig> = {},
  limits?: ClusterLimits,
): Promise<FastifyInstance> {
  const scheduler = new SweepScheduler({
    store,
    queueFor: () => queue,
    suggester: new InlineSuggester(),
    logger: createLogger('test', 'silent'),
  });
  const app = await buildApp({
    store,
    scheduler,
    ping: () => redis.ping(),
    onSweepChanged: () => undefined,
    api: { ...DEFAULT_API_CONFIG, ...api },
    ...(limits && { limits }),
  });
  apps.push(app);
  return app;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };

describe('tokens and scopes', () => {
  it('lets in only requests with a token whose scope covers the route', async () => {
    const app = await appWith({ adminToken: ADMIN });
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const anonymous = await app.inject({ url: '/v1/sweeps' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('unauthorized');
    expect((await app.inject({ url: '/v1/sweeps', headers: bearer('wrong') })).statusCode).toBe(
      401,
    );
    // Metrics are for Prometheus, like /healthz: open (no app metrics here, so 404, not 401).
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(404);

    const make = async (scope: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: { ...bearer(ADMIN), ...json },
        payload: { name: `${scope}-bot`, scope },
      });
      expect(res.statusCode).toBe(201);
      return res.json() as { token: string; id: string; scope: string };
    };
    const reader = await make('read');
    const submitter = await make('submit');
    expect(reader.token).toMatch(/^rung_[A-Za-z0-9_-]{43}$/);

    expect(
      (await app.inject({ url: '/v1/sweeps', headers: bearer(reader.token) })).statusCode,
    ).toBe(200);
    const post = (token: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/sweeps',
        headers: { ...bearer(token), ...json },
        payload: SPEC,
      });
    const refused = await post(reader.token);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toBe(
      "token 'read-bot' has scope 'read'; POST /v1/sweeps needs 'submit'",
    );
    expect((await post(submitter.token)).statusCode).toBe(201);
    expect(
      (await app.inject({ url: '/v1/tokens', headers: bearer(submitter.token) })).statusCode,
    ).toBe(403);

    // Only hashes are stored: the secret appears nowhere in Redis.
    const stored = JSON.stringify(await redis.hgetall(store.keys.tokens));
    expect(stored).toContain(reader.id);
    expect(stored).not.toContain(reader.token);

    const listed = (await app.inject({ url: '/v1/tokens', headers: bearer(ADMIN) })).json();
    expect(listed.tokens.map((t: { id: string }) => t.id)).toEqual(
      expect.arrayContaining([reader.id, submitter.id]),
    );
    expect(JSON.stringify(listed)).not.toContain(reader.token);
    const revoke = await app.inject({
      method: 'DELETE',
      url: `/v1/tokens/${reader.id}`,
      headers: bearer(ADMIN),
    });
    expect(revoke.statusCode).toBe(200);
    expect(
      (await app.inject({ url: '/v1/sweeps', headers: bearer(reader.token) })).statusCode,
    ).toBe(401);
  });

  it('names the field of a bad token request', async () => {
    const app = await appWith({ adminToken: ADMIN });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { ...bearer(ADMIN), ...json },
      payload: { name: 'x', scope: 'root' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('scope: one of read, submit, admin');
  });

  it('answers only loopback host names while open (no DNS rebinding)', async () => {
    const app = await appWith();
    const from = (host: string) => app.inject({ url: '/v1/sweeps', headers: { host } });
    expect((await from('localhost:8080')).statusCode).toBe(200);
    expect((await from('127.0.0.1:8080')).statusCode).toBe(200);
    const rebound = await from('evil.example:8080');
    expect(rebound.statusCode).toBe(403);
    expect(rebound.json().error.message).toMatch(/loopback names only/);
  });
});

describe('requests a browser could forge, and oversized ones', () => {
  it('refuses text/plain and form bodies with 415', async () => {
    const app = await appWith();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/sweeps',
        headers: { 'content-type': type },
        payload: SPEC,
      });
      expect(res.statusCode, type).toBe(415);
      expect(res.json().error.code).toBe('unsupported_media_type');
    }
  });

  it('sends no CORS headers unless origins are configured', async () => {
    const closed = await appWith();
    const preflight = {
      method: 'OPTIONS' as const,
      url: '/v1/sweeps',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    };
    expect((await closed.inject(preflight)).headers['access-control-allow-origin']).toBeUndefined();
    const open = await appWith({ corsOrigins: ['https://board.example'] });
    const allowed = await open.inject({
      ...preflight,
      headers: { ...preflight.headers, origin: 'https://board.example' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://board.example');
    expect((await open.inject(preflight)).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a body over the limit with 413 naming it', async () => {
    const app = await appWith({ bodyLimitBytes: 2048 });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: json,
      payload: SPEC.padEnd(4096, ' '),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toBe(
      "body: over this API's limit of 2048 bytes (RUNG_BODY_LIMIT_BYTES)",
    );
  });

  it('closes a connection whose body stops coming', async () => {
    const app = await appWith({ requestTimeoutMs: 300 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<string>((resolve) => {
      let answer = '';
      socket.on('data', (d) => {
        answer += d.toString();
      });
      socket.on('close', () => resolve(answer));
    });
    socket.write(
      'POST /v1/sweeps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"method"',
    );
    // Held forever before; now the idle timeout ends it (the vitest timeout would fail this).
    const answer = await closed;
    expect(answer).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it('rate-limits each token (each client while open) with 429', async () => {
    const app = await appWith({ rateLimitPerMinute: 3 });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await app.inject({ url: '/v1/sweeps' })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    const limited = await app.inject({ url: '/v1/sweeps' });
    expect(limited.json().error).toMatchObject({ code: 'rate_limited' });
    expect(limited.json().error.message).toMatch(/over 3 requests a minute \(RUNG_RATE_LIMIT\)/);
  });
});

describe('specs that used to answer 500', () => {
  const submit = async (app: FastifyInstance, spec: unknown) =>
    app.inject({ method: 'POST', url: '/v1/sweeps', headers: json, payload: JSON.stringify(spec) });
  const grid = (n: number, values: number) =>
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `p${i}`,
        { values: Array.from({ length: values }, (_, v) => v) },
      ]),
    );

  it('runs the first run_cap combinations of a grid of 10^20', async () => {
    const app = await appWith();
    const res = await submit(app, {
      method: 'grid',
      trainer: 'mlp',
      run_cap: 5,
      parameters: grid(20, 10),
    });
    expect(res.statusCode).toBe(201);
  });

  it('reports the size of a grid too large to run whole', async () => {
    const app = await appWith();
    const res = await submit(app, { method: 'grid', trainer: 'mlp', parameters: grid(300, 2) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues).toEqual([
      {
        path: 'run_cap',
        message:
          "the grid has 2.04e90 combinations, more than this cluster's limit of 1000000 trials a sweep (RUNG_MAX_RUN_CAP): set a run_cap",
      },
    ]);
  });

  it('refuses more parameters than the cluster allows, naming the limit', async () => {
    const app = await appWith(
      {},
      { maxParallelism: 10, maxRunCap: 100, maxParameters: 50, maxTrialsPerSecond: 10 },
    );
    const res = await submit(app, { method: 'random', trainer: 'mlp', parameters: grid(51, 2) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues[0]).toEqual({
      path: 'parameters',
      message: "51 searched parameters, more than this cluster's limit of 50 (RUNG_MAX_PARAMETERS)",
    });
  });

  it('names a q too fine for a grid (values equal at 12 significant digits)', async () => {
    const app = await appWith();
    const res = await submit(app, {
      method: 'grid',
      trainer: 'mlp',
      parameters: {
        lr: {
          distribution: 'q_uniform',
          min: 0.08243245727851209,
          max: 0.08243245787696953,
          q: 1.4107907597694745e-13,
        },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues[0].path).toBe('parameters.lr.q');
  });
});

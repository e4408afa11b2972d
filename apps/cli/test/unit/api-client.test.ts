import { freePort } from '@rung/store';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, ApiError, ApiUnreachableError, resolveApiUrl } from '../../src/api-client.js';
import { type FakeApi, type FakeReply, startFakeApi } from './support/fake-api.js';
import { makeSweep } from './support/fixtures.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function serve(route: (url: string, method: string) => FakeReply): Promise<ApiClient> {
  api = await startFakeApi((req) => route(req.url, req.method));
  return new ApiClient(api.url);
}

describe('resolveApiUrl', () => {
  it('prefers --api, then RUNG_API_URL, then RUNG_PORT on localhost, then 8080', () => {
    const env = { RUNG_API_URL: 'http://api:1/', RUNG_PORT: '9000' };
    expect(resolveApiUrl('http://flag:2/', env)).toBe('http://flag:2');
    expect(resolveApiUrl(undefined, env)).toBe('http://api:1');
    expect(resolveApiUrl(undefined, { RUNG_PORT: '9000' })).toBe('http://127.0.0.1:9000');
    expect(resolveApiUrl(undefined, {})).toBe('http://127.0.0.1:8080');
  });
});

describe('ApiClient', () => {
  it('posts the sweep file as is with its content type and returns the created sweep (201)', async () => {
    const sweep = makeSweep({ id: 'sw-new' });
    const client = await serve(() => ({ status: 201, body: { sweep } }));
    expect(await client.submitSweep('method: random\n', 'yaml')).toEqual(sweep);
    expect(await client.submitSweep('{"method":"random"}', 'json')).toEqual(sweep);
    expect(api!.requests.map((r) => [r.method, r.url, r.contentType, r.body])).toEqual([
      ['POST', '/v1/sweeps', 'application/yaml', 'method: random\n'],
      ['POST', '/v1/sweeps', 'application/json', '{"method":"random"}'],
    ]);
  });

  it("turns a 400 into an ApiError carrying the server's message and issues", async () => {
    const client = await serve(() => ({
      status: 400,
      body: {
        error: {
          code: 'invalid_spec',
          message: 'parameters.lr.min: must be < max',
          issues: [{ path: 'parameters.lr.min', message: 'must be < max' }, { bogus: 1 }],
        },
      },
    }));
    const err = await client.submitSweep('x', 'yaml').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      code: 'invalid_spec',
      message: 'parameters.lr.min: must be < max',
      issues: [{ path: 'parameters.lr.min', message: 'must be < max' }],
    });
  });

  it('turns a 404 into an ApiError, and a non-JSON error page into a snippet', async () => {
    const client = await serve((url) =>
      url.startsWith('/v1/sweeps/nope')
        ? { status: 404, body: { error: { code: 'not_found', message: 'no sweep nope' } } }
        : { status: 502, text: '<html>Bad Gateway</html>' },
    );
    await expect(client.getSweep('nope')).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'no sweep nope',
    });
    await expect(client.listSweeps()).rejects.toMatchObject({
      status: 502,
      message: 'HTTP 502: <html>Bad Gateway</html>',
    });
  });

  it('reads sweeps, trials, the leaderboard (with its limit) and cancels', async () => {
    const sweep = makeSweep();
    const client = await serve((url, method) => {
      if (url === '/v1/sweeps') return { status: 200, body: { sweeps: [sweep] } };
      if (url === '/v1/sweeps/sw-1/trials') return { status: 200, body: { trials: [] } };
      if (url === '/v1/sweeps/sw-1/leaderboard?limit=3') {
        return {
          status: 200,
          body: { metric: { name: 'val_loss', goal: 'minimize' }, trials: [] },
        };
      }
      if (url === '/v1/sweeps/sw-1/cancel' && method === 'POST') {
        return { status: 200, body: { ...sweep, state: 'cancelled' } };
      }
      return { status: 404, body: { error: { code: 'not_found', message: url } } };
    });
    expect(await client.listSweeps()).toEqual([sweep]);
    expect(await client.listTrials('sw-1')).toEqual([]);
    expect((await client.leaderboard('sw-1', 3)).metric.name).toBe('val_loss');
    expect((await client.cancelSweep('sw-1')).state).toBe('cancelled');
  });

  it('says how to start an API when the connection is refused', async () => {
    const port = await freePort();
    const client = new ApiClient(`http://127.0.0.1:${port}`);
    const err = await client.listSweeps().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiUnreachableError);
    expect((err as Error).message).toBe(
      `no Rung API at http://127.0.0.1:${port}: start one with 'npx rung up' or set RUNG_API_URL`,
    );
    expect(await client.healthy()).toBe(false);
  });

  it('gives up on an API that does not answer in time', async () => {
    api = await startFakeApi(() => new Promise<FakeReply>(() => {}));
    const client = new ApiClient(api.url, { timeoutMs: 100 });
    await expect(client.listSweeps()).rejects.toThrow(
      `the Rung API at ${api.url} did not answer in time`,
    );
  });

  it('rejects a base URL that is not http(s)', () => {
    expect(() => new ApiClient('127.0.0.1:8080')).toThrow('must start with http:// or https://');
  });
});

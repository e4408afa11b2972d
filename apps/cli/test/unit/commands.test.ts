import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepView } from '@rung/shared';
import { freePort } from '@rung/store';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/api-client.js';
import { main } from '../../src/main.js';
import { watchSweep } from '../../src/watch-sweep.js';
import {
  type FakeApi,
  type FakeReply,
  type SeenRequest,
  startFakeApi,
} from './support/fake-api.js';
import { makeSweep, makeTrial } from './support/fixtures.js';
import { testIo } from './support/test-io.js';

let api: FakeApi | undefined;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rung-cli-test-'));
});
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const LEADERBOARD = {
  metric: { name: 'val_loss', goal: 'minimize' },
  trials: [
    {
      rank: 1,
      trialId: 'sw-1-4',
      number: 4,
      value: 0.03,
      params: { lr: 0.01 },
      state: 'completed',
    },
  ],
};

/**
 * A sweep that advances one step per `GET /v1/sweeps/sw-1`: the given views in order, the last
 * one repeated.
 */
function advancingSweep(views: SweepView[]) {
  let polls = 0;
  return (req: SeenRequest): FakeReply => {
    if (req.method === 'POST' && req.url === '/v1/sweeps') {
      return { status: 201, body: { sweep: views[0] } };
    }
    if (req.url === '/v1/sweeps/sw-1')
      return { status: 200, body: views[Math.min(polls++, views.length - 1)] };
    if (req.url === '/v1/sweeps/sw-1/trials') {
      return {
        status: 200,
        body: { trials: [makeTrial({ number: 0, state: 'failed', error: 'no trainer mlp' })] },
      };
    }
    // The live view: the active trials once, then the log after the position read before them.
    if (req.url === '/v1/sweeps/sw-1/trials?state=queued,running,paused') {
      return {
        status: 200,
        body: { trials: [makeTrial({ number: 0, state: 'running', reports: [] })] },
      };
    }
    if (req.url === '/v1/sweeps/sw-1/events?after=%24')
      return { status: 200, body: { events: [], next: '7-0' } };
    if (req.url === '/v1/sweeps/sw-1/events?after=7-0') {
      const e = { sweepId: 'sw-1', at: 1 };
      return {
        status: 200,
        body: {
          events: [
            {
              ...e,
              id: '8-0',
              seq: 8,
              type: 'trial.reported',
              number: 0,
              attempt: 1,
              step: 3,
              metrics: { val_loss: 0.5 },
            },
            { ...e, id: '9-0', seq: 9, type: 'trial.created', number: 1, params: { lr: 0.1 } },
            {
              ...e,
              id: '10-0',
              seq: 10,
              type: 'trial.started',
              number: 1,
              attempt: 1,
              workerId: 'w',
            },
          ],
          next: '10-0',
        },
      };
    }
    if (req.url.startsWith('/v1/sweeps/sw-1/events'))
      return { status: 200, body: { events: [], next: '10-0' } };
    if (req.url.startsWith('/v1/sweeps/sw-1/leaderboard'))
      return { status: 200, body: LEADERBOARD };
    return { status: 404, body: { error: { code: 'not_found', message: `no route ${req.url}` } } };
  };
}

function sweepFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('watchSweep', () => {
  it('prints a line per change off a terminal, and returns when the sweep stops running', async () => {
    const a = makeSweep({ counts: { running: 2 } });
    const b = makeSweep({ counts: { running: 1, completed: 1 } });
    const c = makeSweep({
      state: 'completed',
      counts: { completed: 2 },
      finishedAt: a.createdAt + 5000,
    });
    api = await startFakeApi(advancingSweep([a, a, a, b, c]));
    let out = '';
    const result = await watchSweep({
      client: new ApiClient(api.url),
      sweepId: 'sw-1',
      out: { write: (s: string) => (out += s) },
      tty: false,
      intervalMs: 5,
    });
    expect(result.aborted).toBe(false);
    expect(result.sweep?.state).toBe('completed');
    expect(result.elapsedMs).toBe(5000);
    const lines = out.trimEnd().split('\n');
    // Three unchanged polls of `a` give one line, not three; no ANSI codes off a terminal.
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[\d+s\] 0\/20 trials: 0 done, 2 running/);
    expect(lines[2]).toBe('[5s] 2/20 trials: 2 done, 0 running, 0 pruned, 0 failed');
    expect(out).not.toContain('\x1b[');
    // Off a terminal the trials are not needed, so they are not fetched.
    expect(api.requests.some((r) => r.url.endsWith('/trials'))).toBe(false);
  });

  it('redraws in place on a terminal', async () => {
    const a = makeSweep({ counts: { running: 2 } });
    const c = makeSweep({ state: 'completed', counts: { completed: 2 } });
    api = await startFakeApi(advancingSweep([a, c]));
    let out = '';
    await watchSweep({
      client: new ApiClient(api.url),
      sweepId: 'sw-1',
      out: { write: (s: string) => (out += s) },
      tty: true,
      intervalMs: 5,
    });
    // The first frame had four lines (the running trial's among them): the redraw goes up four.
    expect(out).toContain('\r\x1b[4A\x1b[0J');
    expect(out).toContain('mnist-mlp (sw-1) · tpe · completed');
  });

  it('shows the running trials from the event log, never re-reading every trial', async () => {
    const running = makeSweep({ counts: { running: 2 } });
    api = await startFakeApi(advancingSweep([running, running, running, running]));
    const controller = new AbortController();
    let out = '';
    const watching = watchSweep({
      client: new ApiClient(api.url),
      sweepId: 'sw-1',
      out: { write: (s: string) => (out += s) },
      tty: true,
      intervalMs: 5,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    await watching;
    expect(out).toContain('running #0 step 3 val_loss=0.5 · #1 starting');
    expect(api.requests.some((r) => r.url === '/v1/sweeps/sw-1/trials')).toBe(false);
    expect(api.requests.filter((r) => r.url.includes('state=')).length).toBe(1);
  });

  it('stops when aborted, and fails fast on a 404', async () => {
    api = await startFakeApi(advancingSweep([makeSweep()]));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const client = new ApiClient(api.url);
    const result = await watchSweep({
      client,
      sweepId: 'sw-1',
      out: { write: () => true },
      tty: false,
      intervalMs: 5,
      signal: controller.signal,
    });
    expect(result).toMatchObject({ aborted: true, sweep: { id: 'sw-1' } });
    await expect(
      watchSweep({
        client,
        sweepId: 'gone',
        out: { write: () => true },
        tty: false,
        intervalMs: 5,
      }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe('rung submit', () => {
  it('prints the id, the sampler and the warnings', async () => {
    const sweep = makeSweep({
      warnings: [{ path: 'early_terminate.s', message: 'ignored: not supported' }],
    });
    api = await startFakeApi(advancingSweep([sweep]));
    const io = testIo({ RUNG_API_URL: api.url });
    expect(await main(['submit', sweepFile('s.yml', 'method: bayes\n')], io)).toBe(0);
    expect(io.stdout()).toContain('Sweep sw-1 (mnist-mlp) submitted: sampler tpe (method bayes)');
    expect(io.stdout()).toContain('npx rung status sw-1');
    expect(io.stderr()).toBe('warning: early_terminate.s: ignored: not supported\n');
    expect(api.requests[0]).toMatchObject({
      contentType: 'application/yaml',
      body: 'method: bayes\n',
    });
  });

  it("prints the API's message for a bad spec and exits 1", async () => {
    api = await startFakeApi(() => ({
      status: 400,
      body: { error: { code: 'invalid_spec', message: 'parameters.lr.min: must be < max' } },
    }));
    const io = testIo();
    const file = sweepFile('bad.json', '{"parameters":{}}');
    expect(await main(['submit', file, '--api', api.url], io)).toBe(1);
    expect(io.stderr()).toBe('parameters.lr.min: must be < max\n');
    expect(api.requests[0]?.contentType).toBe('application/json');
  });

  it('says how to start an API when none answers', async () => {
    // RUNG_PORT alone points the CLI at localhost; nothing listens on a fresh free port.
    const port = await freePort();
    const io = testIo({ RUNG_PORT: String(port) });
    expect(await main(['submit', sweepFile('s.yaml', 'x: 1')], io)).toBe(1);
    expect(io.stderr()).toBe(
      `no Rung API at http://127.0.0.1:${port}: start one with 'npx rung up' or set RUNG_API_URL\n`,
    );
  });

  it('--wait follows the sweep, prints the leaderboard, and exits 0 when it completed', async () => {
    const running = makeSweep({ counts: { running: 1 } });
    const done = makeSweep({ state: 'completed', stopReason: 'run_cap', counts: { completed: 1 } });
    api = await startFakeApi(advancingSweep([running, done]));
    const io = testIo({ RUNG_API_URL: api.url });
    expect(await main(['submit', sweepFile('w.yaml', 'x: 1'), '--wait'], io)).toBe(0);
    const out = io.stdout();
    expect(out).toContain('Sweep sw-1 completed (run_cap) after');
    expect(out).toContain('Leaderboard: val_loss (minimize)');
    expect(out).toMatch(/1\s+#4\s+0\.03\s+completed\s+lr=0\.01/);
  });

  it('--wait exits 1 and shows the first trial error when no trial completed', async () => {
    const done = makeSweep({ state: 'completed', counts: { failed: 3 } });
    api = await startFakeApi(advancingSweep([done]));
    const io = testIo({ RUNG_API_URL: api.url });
    expect(await main(['submit', sweepFile('f.yaml', 'x: 1'), '--wait'], io)).toBe(1);
    expect(io.stderr()).toContain('No trial completed. Trial #0 failed with: no trainer mlp');
  });

  it('--wait stops watching on Ctrl-C and exits 130, leaving the sweep running', async () => {
    api = await startFakeApi(advancingSweep([makeSweep({ counts: { running: 1 } })]));
    const io = testIo({ RUNG_API_URL: api.url });
    setTimeout(() => io.pressCtrlC(), 100);
    expect(await main(['submit', sweepFile('c.yaml', 'x: 1'), '--wait'], io)).toBe(130);
    expect(io.stderr()).toContain('Sweep sw-1 keeps running');
  });
});

describe('rung status / leaderboard / cancel', () => {
  it('lists sweeps, or shows one with its trials; --json gives the API data', async () => {
    const sweep = makeSweep({ counts: { running: 1, pruned: 1 } });
    api = await startFakeApi((req) => {
      if (req.url === '/v1/sweeps') return { status: 200, body: { sweeps: [sweep] } };
      if (req.url === '/v1/sweeps/sw-1') return { status: 200, body: sweep };
      if (req.url === '/v1/sweeps/sw-1/trials') {
        return {
          status: 200,
          body: { trials: [makeTrial({ number: 0, state: 'running', workerId: 'worker-1' })] },
        };
      }
      return {
        status: 404,
        body: { error: { code: 'not_found', message: 'sweep nope not found' } },
      };
    });
    const env = { RUNG_API_URL: api.url };
    const list = testIo(env);
    expect(await main(['status'], list)).toBe(0);
    expect(list.stdout()).toMatch(/^ID\s+NAME\s+STATE/);
    expect(list.stdout()).toContain('sw-1  mnist-mlp  running');

    const one = testIo(env);
    expect(await main(['status', 'sw-1'], one)).toBe(0);
    expect(one.stdout()).toMatch(/^Trials +2 created: 1 running, 1 pruned$/m);
    expect(one.stdout()).toMatch(/0\s+running\s+-\s+-\s+worker-1/);

    const json = testIo(env);
    expect(await main(['status', 'sw-1', '--json'], json)).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({
      sweep: { id: 'sw-1' },
      trials: [{ number: 0 }],
    });

    const missing = testIo(env);
    expect(await main(['status', 'nope'], missing)).toBe(1);
    expect(missing.stderr()).toBe('not found: sweep nope not found\n');
  });

  it('prints the leaderboard with --limit, or its JSON', async () => {
    api = await startFakeApi(advancingSweep([makeSweep()]));
    const io = testIo({ RUNG_API_URL: api.url });
    expect(await main(['leaderboard', 'sw-1', '--limit', '5'], io)).toBe(0);
    expect(api.requests[0]?.url).toBe('/v1/sweeps/sw-1/leaderboard?limit=5');
    expect(io.stdout()).toContain('RANK  TRIAL  VALUE  STATE      PARAMS');
    const json = testIo({ RUNG_API_URL: api.url });
    expect(await main(['leaderboard', 'sw-1', '--json'], json)).toBe(0);
    expect(JSON.parse(json.stdout())).toEqual(LEADERBOARD);
    expect(await main(['leaderboard', 'sw-1', '--limit', '0'], testIo())).toBe(2);
  });

  it('cancels a sweep', async () => {
    api = await startFakeApi(() => ({
      status: 200,
      body: makeSweep({ state: 'cancelled', counts: { completed: 2, cancelled: 1 } }),
    }));
    const io = testIo({ RUNG_API_URL: api.url });
    expect(await main(['cancel', 'sw-1'], io)).toBe(0);
    expect(api.requests[0]).toMatchObject({ method: 'POST', url: '/v1/sweeps/sw-1/cancel' });
    expect(io.stdout()).toBe('Sweep sw-1 cancelled: 3 created: 2 completed, 1 cancelled\n');
  });
});

describe('rung pause / resume / set / token', () => {
  it('pauses (finishing or checkpointing running trials) and resumes a sweep', async () => {
    api = await startFakeApi((req) => ({
      status: 200,
      body: makeSweep({
        state: req.url.endsWith('/pause') ? 'paused' : 'running',
        counts: { completed: 2, queued: 1 },
      }),
    }));
    const io = testIo({ RUNG_API_URL: api.url });
    expect(await main(['pause', 'sw-1', '--checkpoint'], io)).toBe(0);
    expect(await main(['pause', 'sw-1'], io)).toBe(0);
    expect(await main(['resume', 'sw-1'], io)).toBe(0);
    expect(api.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/v1/sweeps/sw-1/pause', '{"trials":"checkpoint"}'],
      ['POST', '/v1/sweeps/sw-1/pause', '{"trials":"finish"}'],
      ['POST', '/v1/sweeps/sw-1/resume', ''],
    ]);
    expect(io.stdout().split('\n')[0]).toBe(
      'Sweep sw-1 paused (running trials stop at their next report): 3 created: 2 completed, 1 queued',
    );
  });

  it('changes a sweep with name=value settings, none removing a limit', async () => {
    api = await startFakeApi(() => ({
      status: 200,
      body: makeSweep({ state: 'running' }),
    }));
    const io = testIo({ RUNG_API_URL: api.url });
    expect(
      await main(
        ['set', 'sw-1', 'parallelism=8', 'run_cap=200', 'max_duration=none', 'target=0.05'],
        io,
      ),
    ).toBe(0);
    expect(api.requests[0]).toMatchObject({ method: 'PATCH', url: '/v1/sweeps/sw-1' });
    expect(JSON.parse(api.requests[0]!.body)).toEqual({
      parallelism: 8,
      run_cap: 200,
      max_duration: null,
      metric: { target: 0.05 },
    });
    const bad = testIo({ RUNG_API_URL: api.url });
    expect(await main(['set', 'sw-1', 'parallelism=eight'], bad)).toBe(2);
    expect(bad.stderr()).toContain('parallelism=eight: not a number');
    expect(await main(['set', 'sw-1'], testIo({ RUNG_API_URL: api.url }))).toBe(2);
  });

  it('sends RUNG_TOKEN as a bearer token, and prints a new token once', async () => {
    api = await startFakeApi(() => ({
      status: 201,
      body: { token: 'rung_new', id: 'tk-1', name: 'ci', scope: 'read', createdAt: 0 },
    }));
    const io = testIo({ RUNG_API_URL: api.url, RUNG_TOKEN: 'rung_admin' });
    expect(await main(['token', 'create', '--name', 'ci', '--scope', 'read'], io)).toBe(0);
    expect(api.requests[0]).toMatchObject({
      method: 'POST',
      url: '/v1/tokens',
      authorization: 'Bearer rung_admin',
    });
    expect(JSON.parse(api.requests[0]!.body)).toEqual({ name: 'ci', scope: 'read' });
    expect(io.stdout().split('\n')[0]).toBe('rung_new');
    expect(await main(['token', 'create', '--name', 'ci', '--scope', 'root'], testIo())).toBe(2);
  });
});

describe('rung cost', () => {
  it('prints the GPU-hours used and saved, the time to near the best, and the money', async () => {
    api = await startFakeApi(() => ({
      status: 200,
      body: {
        sweepId: 'sw-1',
        state: 'completed',
        trialsRun: 40,
        wallSeconds: 3 * 3600 + 300,
        gpuHours: 6.5,
        cpuHours: 0,
        savedHours: 13,
        savedShare: 2 / 3,
        toWithin: [{ percent: 1, wallSeconds: 2520, computeHours: 4.25 }],
        money: { spent: 26, saved: 52, prices: { gpuHour: 4 } },
      },
    }));
    const io = testIo({ RUNG_API_URL: api.url });
    expect(await main(['cost', 'sw-1', '--gpu-price', '4'], io)).toBe(0);
    expect(api.requests[0]?.url).toBe('/v1/sweeps/sw-1/cost?gpu_price=4');
    expect(io.stdout()).toBe(
      [
        'Sweep sw-1 completed: 40 trials ran over 3 h 05 min',
        '  used:  6.50 GPU-hours, 0.00 CPU-hours',
        '  saved by early stopping: 13.00 GPU-hours (67% of the steps; 19.50 without it)',
        '  within 1% of the best: after 42 min, 4.25 GPU-hours',
        '  cost:  26.00 at 4 a GPU-hour (early stopping saved 52.00)',
        '',
      ].join('\n'),
    );
    expect(await main(['cost', 'sw-1', '--gpu-price', 'free'], testIo())).toBe(2);
  });
});

describe('rung logs', () => {
  it("prints a trial's output and, with --follow, new lines until the trial ends", async () => {
    let polls = 0;
    const pages = [
      { attempt: 1, lines: [{ at: 0, stream: 'stdout', text: 'epoch 1' }], next: 1, dropped: 0 },
      { attempt: 1, lines: [], next: 1, dropped: 0 },
      { attempt: 1, lines: [{ at: 0, stream: 'stderr', text: 'Traceback' }], next: 2, dropped: 0 },
    ];
    api = await startFakeApi((req) => {
      if (req.url.startsWith('/v1/sweeps/sw-1/trials/0/logs')) {
        const after = Number(new URL(req.url, 'http://x').searchParams.get('after'));
        const page =
          after >= 2 ? { attempt: 1, lines: [], next: 2, dropped: 0 } : pages[Math.min(polls++, 2)];
        return { status: 200, body: page };
      }
      if (req.url === '/v1/sweeps/sw-1/trials/0') {
        return {
          status: 200,
          body: makeTrial({ number: 0, state: polls >= 3 ? 'failed' : 'running' }),
        };
      }
      return { status: 404, body: { error: { code: 'not_found', message: 'no' } } };
    });
    const io = testIo({ RUNG_API_URL: api.url });
    expect(await main(['logs', 'sw-1', '0', '--follow'], io)).toBe(0);
    expect(io.stdout()).toBe('epoch 1\nTraceback\n');
    const once = testIo({ RUNG_API_URL: api.url });
    polls = 0;
    expect(await main(['logs', 'sw-1', '0'], once)).toBe(0);
    expect(once.stdout()).toBe('epoch 1\n');
    expect(await main(['logs', 'sw-1', 'x'], once)).toBe(1);
    expect(once.stderr()).toMatch(/trial must be a trial number/);
  });
});

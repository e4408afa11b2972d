/**
 * `GET /v1/sweeps/:id/overview`: the sweep at a glance for the dashboard and `rung report` (see
 * `SweepOverview`). Reads every trial without its reports and the reports of the few whose curves
 * are sent; kept per sweep until its event log moves on, so viewers of a quiet sweep cost nothing.
 */
import { RungError, type SweepOverview, type Trial } from '@rung/shared';
import type { Store } from '@rung/store';
import type { FastifyInstance } from 'fastify';
import { buildOverview, chooseCurves } from '../sweeps/sweep-overview.js';
import { MAX_PAGE } from './sweeps.js';
import { trialPages } from './trial-pages.js';

/** Sweeps whose last overview is kept. */
const CACHED_SWEEPS = 16;

export async function sweepOverviewRoutes(
  app: FastifyInstance,
  ctx: { store: Store; now(): number },
): Promise<void> {
  const { store } = ctx;
  /** Each sweep's last overview, as the JSON sent (1.2 MB at 10,000 trials: made once, sent often). */
  const cache = new Map<string, { eventId: string; json: string }>();

  app.get<{ Params: { id: string } }>(
    '/v1/sweeps/:id/overview',
    {
      schema: {
        tags: ['sweeps'],
        summary:
          'The sweep at a glance: trials as columns, learning curves of up to 300 trials, parameter importance',
        description:
          'What the dashboard draws. `trials` holds one array per field (entry i of each is trial `number[i]`); `curves` the sweep metric by step of every active trial, the best completed ones and an even spread of the rest; ' +
          '`importance` each parameter’s share of the spread of the completed trials’ results (first-order functional ANOVA on ranks, corrected for noise); `eventId` the last log entry it includes, to stream from.',
        params: {
          type: 'object',
          properties: { id: { type: 'string' } },
          required: ['id'],
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      // The log position first: anything after it is in the stream, so nothing falls between.
      const eventId = await store.lastEventId(id);
      const cached = cache.get(id);
      reply.type('application/json; charset=utf-8');
      if (cached && cached.eventId === eventId && eventId !== '0-0') return cached.json;
      const sweep = await store.getSweep(id);
      if (!sweep) throw new RungError('not_found', `no sweep ${id}`);
      const trials: Trial[] = [];
      for await (const page of trialPages(store, id, MAX_PAGE)) trials.push(...page);
      const numbers = chooseCurves(trials, sweep.spec.metric.goal);
      const curveTrials = (await Promise.all(numbers.map((n) => store.getTrial(id, n)))).filter(
        (t): t is Trial => t !== undefined,
      );
      const overview: SweepOverview = buildOverview({
        sweep,
        trials,
        curveTrials,
        eventId,
        at: ctx.now(),
      });
      const json = JSON.stringify(overview);
      cache.delete(id);
      cache.set(id, { eventId, json });
      if (cache.size > CACHED_SWEEPS) cache.delete(cache.keys().next().value!);
      return json;
    },
  );
}

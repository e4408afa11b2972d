/**
 * `GET /v1/sweeps/:id/stream`: a sweep's event log as Server-Sent Events, for the dashboard and
 * any client that follows a sweep live. Each event's SSE id is its log entry id, so a client that
 * reconnects with `Last-Event-ID` (browsers do it on their own) goes on after the last event it
 * got: none missed, none twice. The log is polled (a blocking read per viewer would hold a Redis
 * connection each); a comment every 10 s keeps idle connections open.
 */
import { RungError } from '@rung/shared';
import type { Store } from '@rung/store';
import type { FastifyInstance } from 'fastify';

const ENTRY_ID = /^\d+-\d+$/;

export interface StreamOptions {
  store: Store;
  /** How often an idle stream reads the log. @defaultValue 250 */
  pollMs?: number;
}

export async function sweepStreamRoutes(app: FastifyInstance, opts: StreamOptions): Promise<void> {
  const { store } = opts;
  const pollMs = opts.pollMs ?? 250;
  /** Open streams, ended when the server closes (they would hold its close open). */
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get<{ Params: { id: string }; Querystring: { after?: string } }>(
    '/v1/sweeps/:id/stream',
    {
      schema: {
        tags: ['sweeps'],
        summary: "The sweep's event log, live, as Server-Sent Events",
        description:
          'Each event: `id` (the log entry id), `event` (its type: `trial.reported`, `trial.finished`, …) and `data` (the event as JSON, as in `/events`). ' +
          'Starts after `Last-Event-ID` (a reconnect) or `after` (`$`: from now on), else from the log’s start.',
        params: {
          type: 'object',
          properties: { id: { type: 'string' } },
          required: ['id'],
        },
        querystring: {
          type: 'object',
          properties: { after: { type: 'string', pattern: '^(\\d+-\\d+|\\$)$' } },
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      if (!(await store.getSweep(id))) throw new RungError('not_found', `no sweep ${id}`);
      const resume = req.headers['last-event-id'];
      let after =
        typeof resume === 'string' && ENTRY_ID.test(resume) ? resume : (req.query.after ?? '0-0');
      if (after === '$') after = await store.lastEventId(id);

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        // Proxies (nginx) must pass each event on at once.
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        open.delete(end);
        res.end();
      };
      open.add(end);
      req.raw.on('close', end);
      let wroteAt = Date.now();
      while (!ended) {
        let events: Awaited<ReturnType<Store['readEvents']>> = [];
        try {
          events = await store.readEvents(id, after, 1000);
        } catch (err) {
          // Redis away: the client keeps its connection and gets what it missed once it is back.
          req.log.warn({ err, sweepId: id }, 'event stream: Redis error');
        }
        if (ended) break;
        for (const event of events) {
          res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        }
        if (events.length > 0) {
          after = events.at(-1)!.id;
          wroteAt = Date.now();
        } else if (Date.now() - wroteAt > 10_000) {
          res.write(': still here\n\n');
          wroteAt = Date.now();
        }
        if (events.length < 1000) await new Promise((r) => setTimeout(r, pollMs));
      }
    },
  );
}

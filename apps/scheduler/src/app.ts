/**
 * The REST API as a factory: `buildApp()` wires routes onto a store and a scheduler, so tests drive
 * it with `app.inject()` and `server.ts` only adds the process around it.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  type ClusterLimits,
  DEFAULT_LIMITS,
  HTTP_STATUS_BY_CODE,
  RungError,
  SpecError,
} from '@rung/shared';
import type { Store } from '@rung/store';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { SchedulerMetrics } from './metrics.js';
import { sweepRoutes } from './routes/sweeps.js';
import type { SweepScheduler } from './scheduling/sweep-scheduler.js';
import { InlineSpecValidator, type SpecValidator } from './sweeps/spec-validator.js';

export interface AppContext {
  store: Store;
  scheduler: SweepScheduler;
  /** Answers whether the store is reachable (`/healthz`); throws when it is not. */
  ping(): Promise<unknown>;
  /** What a sweep may ask for. @defaultValue DEFAULT_LIMITS */
  limits?: ClusterLimits;
  /** Where specs are validated. @defaultValue inline (the server passes a worker thread) */
  validator?: SpecValidator;
  metrics?: SchedulerMetrics;
  /** Called after a sweep is stored, so the scheduling loop can start it without waiting a tick. */
  onSweepCreated(sweepId: string): void;
  /** @defaultValue Date.now — the same clock as the scheduler's, so max_duration is measured on one. */
  clock?: () => number;
}

export interface BuildAppOptions extends AppContext {
  /** Fastify's logger option (a pino instance or config); @defaultValue false */
  logger?: FastifyServerOptions['loggerInstance'] | boolean;
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { logger, ...ctx } = opts;
  const app: FastifyInstance =
    logger && typeof logger === 'object'
      ? (Fastify({ loggerInstance: logger, bodyLimit: 1024 * 1024 }) as unknown as FastifyInstance)
      : Fastify({ logger: logger === true, bodyLimit: 1024 * 1024 });

  // Sweep specs arrive as text (JSON or YAML) and are parsed by the one sweep schema, which
  // reports syntax errors with line and column instead of Fastify's generic message.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    [
      'application/json',
      'application/yaml',
      'application/x-yaml',
      'text/yaml',
      'text/x-yaml',
      'text/plain',
    ],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof RungError) {
      const body: Record<string, unknown> = { code: err.code, message: err.message };
      if (err instanceof SpecError) body.issues = err.issues;
      return reply.code(HTTP_STATUS_BY_CODE[err.code]).send({ error: body });
    }
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) {
      return reply
        .code(status)
        .send({ error: { code: 'invalid_request', message: (err as Error).message } });
    }
    req.log.error({ err }, 'request failed');
    return reply
      .code(500)
      .send({ error: { code: 'internal', message: 'internal error (see the scheduler log)' } });
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Rung API',
        version: '0.1.0',
        description:
          'Distributed hyperparameter search: submit sweeps, watch trials, read the leaderboard.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'Liveness and Redis reachability' } },
    async (_req, reply) => {
      try {
        await ctx.ping();
        return { status: 'ok' };
      } catch {
        return reply.code(503).send({ status: 'unavailable', redis: 'unreachable' });
      }
    },
  );

  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics' } },
    async (_req, reply) => {
      if (!ctx.metrics)
        return reply.code(404).send({ error: { code: 'not_found', message: 'metrics disabled' } });
      return reply
        .type(ctx.metrics.registry.contentType)
        .send(await ctx.metrics.registry.metrics());
    },
  );

  await app.register(async (scope) =>
    sweepRoutes(scope, {
      ...ctx,
      limits: ctx.limits ?? DEFAULT_LIMITS,
      validator: ctx.validator ?? new InlineSpecValidator(),
    }),
  );
  return app;
}

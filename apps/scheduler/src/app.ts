/**
 * The REST API as a factory: `buildApp()` wires routes onto a store and a scheduler, so tests drive
 * it with `app.inject()` and `server.ts` only adds the process around it.
 */
import { existsSync } from 'node:fs';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { DASHBOARD_DIR } from '@rung/dashboard';
import {
  type ApiConfig,
  type ClusterLimits,
  DEFAULT_API_CONFIG,
  DEFAULT_LIMITS,
  HTTP_STATUS_BY_CODE,
  type Prices,
  RungError,
  SpecError,
} from '@rung/shared';
import type { Store } from '@rung/store';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { guardApi } from './auth/api-auth.js';
import type { SchedulerMetrics } from './metrics.js';
import { sweepOverviewRoutes } from './routes/sweep-overview.js';
import { sweepStreamRoutes } from './routes/sweep-stream.js';
import { sweepRoutes } from './routes/sweeps.js';
import { tokenRoutes } from './routes/tokens.js';
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
  /** Called after a sweep is stored, resumed or changed, so the scheduling loop acts on it at once. */
  onSweepChanged(sweepId: string): void;
  /** @defaultValue Date.now — the same clock as the scheduler's, so max_duration is measured on one. */
  clock?: () => number;
  /** Tokens, body and time limits, rate limits, CORS. @defaultValue DEFAULT_API_CONFIG (open) */
  api?: ApiConfig;
  /** Prices per GPU-hour and CPU-hour for `GET /v1/sweeps/:id/cost`. @defaultValue none */
  prices?: Prices;
}

export interface BuildAppOptions extends AppContext {
  /** Fastify's logger option (a pino instance or config); @defaultValue false */
  logger?: FastifyServerOptions['loggerInstance'] | boolean;
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { logger, ...ctx } = opts;
  const api = ctx.api ?? DEFAULT_API_CONFIG;
  const serverOptions = {
    bodyLimit: api.bodyLimitBytes,
    // A body that stops coming (declared 100 bytes, sent 8) no longer holds its connection open.
    connectionTimeout: api.requestTimeoutMs,
    requestTimeout: api.requestTimeoutMs,
  };
  const app: FastifyInstance =
    logger && typeof logger === 'object'
      ? (Fastify({ loggerInstance: logger, ...serverOptions }) as unknown as FastifyInstance)
      : Fastify({ logger: logger === true, ...serverOptions });

  // Sweep specs arrive as text (JSON or YAML) and are parsed by the one sweep schema, which
  // reports syntax errors with line and column instead of Fastify's generic message. No
  // text/plain (nor form types): a web page can send those cross-site without asking.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    ['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );

  app.setErrorHandler((err, req, reply) => {
    const send = (code: keyof typeof HTTP_STATUS_BY_CODE, body: Record<string, unknown>) =>
      reply.code(HTTP_STATUS_BY_CODE[code]).send({ error: { code, ...body } });
    if (err instanceof RungError) {
      return send(err.code, {
        message: err.message,
        ...(err instanceof SpecError && { issues: err.issues }),
      });
    }
    const fastifyCode = (err as { code?: string }).code;
    if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return send('too_large', {
        message: `body: over this API's limit of ${api.bodyLimitBytes} bytes (RUNG_BODY_LIMIT_BYTES)`,
      });
    }
    if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return send('unsupported_media_type', {
        message: `content-type '${req.headers['content-type'] ?? ''}': send application/json or application/yaml`,
      });
    }
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) {
      return reply
        .code(status)
        .send({ error: { code: 'invalid_request', message: (err as Error).message } });
    }
    req.log.error({ err }, 'request failed');
    return send('internal', { message: 'internal error (see the scheduler log)' });
  });

  if (api.corsOrigins.length > 0) await app.register(cors, { origin: api.corsOrigins });
  await app.register(rateLimit, {
    max: api.rateLimitPerMinute,
    timeWindow: 60_000,
    // After the token is known (onRequest), before any body is read.
    hook: 'preParsing',
    keyGenerator: (req) => req.token?.id ?? req.ip,
    errorResponseBuilder: (_req, context) =>
      new RungError(
        'rate_limited',
        `over ${context.max} requests a minute (RUNG_RATE_LIMIT); retry in ${context.after}`,
      ),
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

  // Open like /healthz, for Prometheus: counts and sweep ids, never parameters or tokens.
  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics' } },
    async (_req, reply) => {
      if (!ctx.metrics) throw new RungError('not_found', 'metrics disabled');
      return reply
        .type(ctx.metrics.registry.contentType)
        .send(await ctx.metrics.registry.metrics());
    },
  );

  // The dashboard's files are open like /docs: they hold no data, and what they fetch is guarded.
  if (existsSync(`${DASHBOARD_DIR}index.html`)) {
    await app.register(fastifyStatic, {
      root: DASHBOARD_DIR,
      wildcard: false,
      cacheControl: true,
      maxAge: 60_000,
    });
  } else {
    app.get('/', { schema: { hide: true } }, async () => {
      throw new RungError('not_found', 'the dashboard is not built: run `npm run build`');
    });
  }

  // Everything below needs a token when one is configured (/healthz, /metrics and /docs do not).
  await app.register(async (scope) => {
    await guardApi(scope, {
      store: ctx.store,
      ...(api.adminToken !== undefined && { adminToken: api.adminToken }),
    });
    await sweepRoutes(scope, {
      ...ctx,
      limits: ctx.limits ?? DEFAULT_LIMITS,
      validator: ctx.validator ?? new InlineSpecValidator(),
    });
    await tokenRoutes(scope, { store: ctx.store, now: () => (ctx.clock ?? Date.now)() });
    await sweepStreamRoutes(scope, { store: ctx.store });
    await sweepOverviewRoutes(scope, { store: ctx.store, now: () => (ctx.clock ?? Date.now)() });
  });
  return app;
}

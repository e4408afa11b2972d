import { type DestinationStream, type Logger, pino } from 'pino';
import { activeTraceIds } from './tracing.js';

export type { Logger };

/** Fields that may hold a secret (a token, a Redis URL with its password), wherever logged. */
const SECRETS = [
  'token',
  'adminToken',
  'redisUrl',
  'authorization',
  '*.token',
  '*.adminToken',
  '*.redisUrl',
  '*.authorization',
  'req.headers.authorization',
];

/**
 * Structured JSON logs (pino). Child loggers carry sweepId / trialId / workerId, so one grep
 * follows a trial across the scheduler and the workers; with tracing on, each line written inside
 * a span carries its `traceId` and `spanId` too. Secrets are written as `[redacted]`.
 */
export function createLogger(
  name: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options = {
    name,
    level,
    base: { pid: process.pid },
    redact: { paths: SECRETS, censor: '[redacted]' },
    mixin: activeTraceIds,
  };
  return destination ? pino(options, destination) : pino(options);
}

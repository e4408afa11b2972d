import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured JSON logs (pino). Child loggers carry sweepId / trialId / workerId, so one grep
 * follows a trial across the scheduler and the workers.
 */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

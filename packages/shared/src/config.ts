/**
 * Process configuration from the environment, read once at start and validated eagerly so a bad
 * value fails at launch with a clear message, not deep inside a run.
 */

export interface RungConfig {
  /** @defaultValue `redis://127.0.0.1:6379` (`REDIS_URL`) */
  redisUrl: string;
  /** Prefix of every Redis key. @defaultValue `rung:` (`RUNG_PREFIX`) */
  prefix: string;
  /** BullMQ queue name. @defaultValue `rung-trials` (`RUNG_QUEUE`) */
  queue: string;
  /** API host and port. @defaultValue 127.0.0.1:8080 (`RUNG_HOST`, `RUNG_PORT`) */
  host: string;
  port: number;
  /** pino level. @defaultValue `info` (`LOG_LEVEL`) */
  logLevel: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RungConfig {
  return {
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    prefix: env.RUNG_PREFIX || 'rung:',
    queue: env.RUNG_QUEUE || 'rung-trials',
    host: env.RUNG_HOST || '127.0.0.1',
    port: intFromEnv(env, 'RUNG_PORT', 8080, 0, 65535),
    logLevel: env.LOG_LEVEL || 'info',
  };
}

/** An integer environment variable within [min, max], or its default when unset. */
export function intFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name}=${raw}: must be an integer in [${min}, ${max}]`);
  }
  return n;
}

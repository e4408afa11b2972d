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
  /** What the cluster accepts and how fast it creates trials. */
  limits: ClusterLimits;
  /** Entries each sweep's event log keeps. @defaultValue 20000 (`RUNG_EVENT_LOG_CAP`) */
  eventLogCap: number;
  /** Who may call the API and how much they may send. */
  api: ApiConfig;
  /** Prices per GPU-hour and CPU-hour for sweeps' cost (`RUNG_GPU_HOUR_PRICE`, `RUNG_CPU_HOUR_PRICE`). */
  prices: { gpuHour?: number; cpuHour?: number };
}

/** The API's guards (docs/OPERATIONS.md, "Security"). */
export interface ApiConfig {
  /**
   * The bootstrap admin token (`RUNG_ADMIN_TOKEN`): when set, every request but `/healthz`, `/metrics` and
   * `/docs` needs a token; when unset the API is open and listens on loopback only.
   */
  adminToken?: string;
  /** @defaultValue 1 MiB (`RUNG_BODY_LIMIT_BYTES`) */
  bodyLimitBytes: number;
  /** A request must arrive whole, and a connection may sit idle, this long. @defaultValue 30000 (`RUNG_REQUEST_TIMEOUT_MS`) */
  requestTimeoutMs: number;
  /** Requests per minute per token (per client address while open). @defaultValue 6000 (`RUNG_RATE_LIMIT`) */
  rateLimitPerMinute: number;
  /** Origins allowed cross-origin requests (`RUNG_CORS_ORIGINS`, comma-separated). @defaultValue none */
  corsOrigins: string[];
}

/** The API's guards when nothing is configured. */
export const DEFAULT_API_CONFIG: Readonly<ApiConfig> = Object.freeze({
  bodyLimitBytes: 1024 * 1024,
  requestTimeoutMs: 30_000,
  rateLimitPerMinute: 6000,
  corsOrigins: [],
});

/** Cluster-wide limits: a sweep asking for more is refused with a 400 naming the limit. */
export interface ClusterLimits {
  /** @defaultValue 1000 (`RUNG_MAX_PARALLELISM`) */
  maxParallelism: number;
  /** Trials one sweep may create. @defaultValue 1000000 (`RUNG_MAX_RUN_CAP`) */
  maxRunCap: number;
  /** Searched parameters one sweep may have. @defaultValue 1000 (`RUNG_MAX_PARAMETERS`) */
  maxParameters: number;
  /** Trials the scheduler creates per second, over all sweeps. @defaultValue 200 (`RUNG_MAX_TRIALS_PER_SECOND`) */
  maxTrialsPerSecond: number;
}

/** The limits when nothing is configured. */
export const DEFAULT_LIMITS: Readonly<ClusterLimits> = Object.freeze({
  maxParallelism: 1000,
  maxRunCap: 1_000_000,
  maxParameters: 1000,
  maxTrialsPerSecond: 200,
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RungConfig {
  return {
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    prefix: env.RUNG_PREFIX || 'rung:',
    queue: env.RUNG_QUEUE || 'rung-trials',
    host: env.RUNG_HOST || '127.0.0.1',
    port: intFromEnv(env, 'RUNG_PORT', 8080, 0, 65535),
    logLevel: env.LOG_LEVEL || 'info',
    limits: {
      maxParallelism: intFromEnv(
        env,
        'RUNG_MAX_PARALLELISM',
        DEFAULT_LIMITS.maxParallelism,
        1,
        1e6,
      ),
      maxRunCap: intFromEnv(env, 'RUNG_MAX_RUN_CAP', DEFAULT_LIMITS.maxRunCap, 1, 1e9),
      maxParameters: intFromEnv(env, 'RUNG_MAX_PARAMETERS', DEFAULT_LIMITS.maxParameters, 1, 1e6),
      maxTrialsPerSecond: intFromEnv(
        env,
        'RUNG_MAX_TRIALS_PER_SECOND',
        DEFAULT_LIMITS.maxTrialsPerSecond,
        1,
        1e6,
      ),
    },
    eventLogCap: intFromEnv(env, 'RUNG_EVENT_LOG_CAP', 20_000, 100, 1e8),
    prices: {
      ...priceFromEnv(env, 'RUNG_GPU_HOUR_PRICE', 'gpuHour'),
      ...priceFromEnv(env, 'RUNG_CPU_HOUR_PRICE', 'cpuHour'),
    },
    api: {
      ...(env.RUNG_ADMIN_TOKEN ? { adminToken: adminTokenFromEnv(env.RUNG_ADMIN_TOKEN) } : {}),
      bodyLimitBytes: intFromEnv(
        env,
        'RUNG_BODY_LIMIT_BYTES',
        DEFAULT_API_CONFIG.bodyLimitBytes,
        1024,
        1e9,
      ),
      requestTimeoutMs: intFromEnv(
        env,
        'RUNG_REQUEST_TIMEOUT_MS',
        DEFAULT_API_CONFIG.requestTimeoutMs,
        100,
        3_600_000,
      ),
      rateLimitPerMinute: intFromEnv(
        env,
        'RUNG_RATE_LIMIT',
        DEFAULT_API_CONFIG.rateLimitPerMinute,
        1,
        1e9,
      ),
      corsOrigins: (env.RUNG_CORS_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    },
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

/** A guessable admin token would undo the point of having one. */
function adminTokenFromEnv(token: string): string {
  if (token.length < 16) {
    throw new Error('RUNG_ADMIN_TOKEN: at least 16 characters (e.g. `openssl rand -hex 32`)');
  }
  return token;
}

/** A price per hour from the environment (a number ≥ 0), as `{ [key]: price }`, or `{}` unset. */
function priceFromEnv<K extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  key: K,
): Partial<Record<K, number>> {
  const raw = env[name];
  if (raw === undefined || raw === '') return {};
  const price = Number(raw);
  if (!Number.isFinite(price) || price < 0) {
    throw new Error(`${name}=${raw}: must be a price per hour, a number ≥ 0`);
  }
  return { [key]: price } as Partial<Record<K, number>>;
}

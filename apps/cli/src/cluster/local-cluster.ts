/**
 * The local cluster of `rung up` and `rung run`: a private redis-server (or the Redis at
 * `REDIS_URL`), the scheduler and N workers as child processes of the CLI, started in that order
 * and stopped in the reverse one.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, type LocalRedis, REDIS_INSTALL_HINT, startLocalRedis } from '@rung/store';
import { ApiClient } from '../api-client.js';
import { ClusterStartError } from '../errors.js';
import { missingEntries, SCHEDULER_ENTRY, WORKER_ENTRY } from './entry-points.js';
import { lockStateDir, type StateLock } from './state-lock.js';
import { type ChildExit, describeExit, type StopResult, Supervisor } from './supervisor.js';

/** Options of {@link startLocalCluster}. */
export interface LocalClusterOptions {
  /** Worker processes. @defaultValue 2 */
  workers?: number;
  /** API port; 0 picks a free one. @defaultValue 8080 */
  port?: number;
  /** `RUNG_CPU_SLOTS` of each worker. @defaultValue 1 */
  cpuSlots?: number;
  /** Logs go to `<stateDir>/logs`; the lock is `<stateDir>/cluster.lock`. @defaultValue `.rung` */
  stateDir?: string;
  /** Use this Redis instead of starting a private one. */
  redisUrl?: string;
  /** Data folder of the private Redis. @defaultValue `<stateDir>/redis` */
  redisDir?: string;
  /** @defaultValue `apps/scheduler/dist/server.js` */
  schedulerEntry?: string;
  /** @defaultValue `apps/gpu-worker/dist/main.js` */
  workerEntry?: string;
  /** Base environment of the children. @defaultValue `process.env` */
  env?: NodeJS.ProcessEnv;
  /** How long the scheduler has to answer `/healthz` with 200. @defaultValue 30000 */
  healthTimeoutMs?: number;
  /** Time workers get to finish or hand back their trials after SIGTERM. @defaultValue 15000 */
  workerStopMs?: number;
  /** Time the scheduler gets after SIGTERM. @defaultValue 10000 */
  schedulerStopMs?: number;
  /**
   * How long to wait for each worker to log that it is ready, so that a sweep submitted right
   * after the start finds its trainer registered. A worker that is late is reported, not fatal.
   * @defaultValue 20000
   */
  workerReadyMs?: number;
  /** A child exited after the cluster was up, without being asked to. */
  onUnexpectedExit?: (exit: ChildExit) => void;
  /**
   * The private redis-server exited without being asked to: it is restarted on the same data
   * (up to 3 times a minute); `error` says why it could not be, and then the cluster must stop.
   */
  onRedisExit?: (exit: { code: number | null; signal: string | null; error?: string }) => void;
  /** Aborts a start in progress (Ctrl-C while waiting for the scheduler). */
  signal?: AbortSignal;
}

export { ClusterStartError };

const DEFAULTS = {
  workers: 2,
  port: 8080,
  cpuSlots: 1,
  stateDir: '.rung',
  healthTimeoutMs: 30_000,
  workerStopMs: 15_000,
  schedulerStopMs: 10_000,
  workerReadyMs: 20_000,
};

/**
 * What the worker logs (pino `msg`) once it consumes the queue with its trainers registered.
 * Waiting for a log line is Testcontainers' `Wait.forLogMessage`: it needs no extra endpoint.
 */
const WORKER_READY = '"msg":"worker ready"';

/** A running local cluster. */
export interface LocalCluster {
  /** `http://127.0.0.1:<port>` */
  readonly apiUrl: string;
  readonly port: number;
  readonly redisUrl: string;
  /** True when the cluster started its own redis-server. */
  readonly privateRedis: boolean;
  readonly logsDir: string;
  /** Worker names, `worker-1`…`worker-N`. */
  readonly workers: readonly string[];
  /** Workers that had not logged `worker ready` within `workerReadyMs` (still running). */
  readonly lateWorkers: readonly string[];
  readonly supervisor: Supervisor;
  /**
   * Stops workers (SIGTERM, then SIGKILL after `workerStopMs`), then the scheduler, then the
   * private Redis, and releases the state folder. Safe to call twice.
   */
  stop(): Promise<StopResult[]>;
  /** SIGKILLs every child at once (a second Ctrl-C); {@link stop} then finishes quickly. */
  kill(): void;
}

/**
 * Starts Redis (unless `redisUrl` is given), the scheduler, waits until its API is healthy, then
 * starts the workers. On any failure what was started is stopped again.
 * @throws {@link ClusterStartError} with a message fit for the user.
 */
export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const opts = { ...DEFAULTS, ...options };
  validate(opts);
  const schedulerEntry = opts.schedulerEntry ?? SCHEDULER_ENTRY;
  const workerEntry = opts.workerEntry ?? WORKER_ENTRY;
  const missing = missingEntries({ scheduler: schedulerEntry, worker: workerEntry });
  if (missing.length > 0) {
    throw new ClusterStartError(
      `Rung is not built: missing ${missing.join(', ')}. Run: npm run build`,
    );
  }
  const stateDir = resolve(opts.stateDir);
  const logsDir = join(stateDir, 'logs');
  const env = opts.env ?? process.env;

  let lock: StateLock;
  try {
    lock = lockStateDir(stateDir);
  } catch (err) {
    throw new ClusterStartError((err as Error).message);
  }
  let redis: LocalRedis | undefined;
  let started = false;
  const supervisor = new Supervisor({
    // Until the API answers, a dying scheduler is reported by the start's own error instead.
    onUnexpectedExit: (exit) => {
      if (started) opts.onUnexpectedExit?.(exit);
    },
  });
  const workers = Array.from({ length: opts.workers }, (_, i) => `worker-${i + 1}`);
  let stopping: Promise<StopResult[]> | undefined;
  const stop = (): Promise<StopResult[]> => {
    stopping ??= (async () => {
      const running = supervisor.names();
      const results = await supervisor.stop(
        workers.filter((w) => running.includes(w)),
        opts.workerStopMs,
      );
      if (running.includes('scheduler')) {
        results.push(...(await supervisor.stop(['scheduler'], opts.schedulerStopMs)));
      }
      await redis?.stop();
      lock.release();
      return results;
    })();
    return stopping;
  };

  try {
    const port = opts.port === 0 ? await freePort() : opts.port;
    await assertPortFree(port);
    let redisUrl = opts.redisUrl;
    const redisDir = opts.redisDir ?? join(stateDir, 'redis');
    const restarts: number[] = [];
    // A crashed redis-server comes back on its port and data (AOF), so the cluster goes on.
    const superviseRedis = (server: LocalRedis) => {
      void server.exited.then(async ({ code, signal }) => {
        if (stopping) return;
        const now = Date.now();
        restarts.push(now);
        while (restarts[0]! < now - 60_000) restarts.shift();
        if (restarts.length > 3) {
          opts.onRedisExit?.({ code, signal, error: 'it crashed more than 3 times in a minute' });
          return;
        }
        try {
          redis = await startLocalRedis({
            dir: redisDir,
            port: server.port,
            stopWhenGone: process.pid,
          });
          superviseRedis(redis);
          opts.onRedisExit?.({ code, signal });
        } catch (err) {
          opts.onRedisExit?.({ code, signal, error: (err as Error).message });
        }
      });
    };
    if (!redisUrl) {
      try {
        redis = await startLocalRedis({ dir: redisDir, port: 0, stopWhenGone: process.pid });
        superviseRedis(redis);
      } catch (err) {
        const message = (err as Error).message;
        throw new ClusterStartError(
          message === REDIS_INSTALL_HINT ? message : `Redis did not start: ${message}`,
        );
      }
      redisUrl = redis.url;
    }
    abortIfAsked(opts.signal);

    supervisor.start({
      name: 'scheduler',
      args: [schedulerEntry],
      env: {
        ...env,
        REDIS_URL: redisUrl,
        RUNG_PORT: String(port),
        RUNG_HOST: '127.0.0.1',
        RUNG_WATCH_PARENT: '1',
      },
      logFile: join(logsDir, 'scheduler.log'),
    });
    const apiUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(apiUrl, supervisor, opts.healthTimeoutMs, opts.signal);
    // From here on a child that dies is the caller's news: the start itself has succeeded.
    started = true;

    for (const name of workers) {
      supervisor.start({
        name,
        args: [workerEntry],
        env: {
          ...env,
          REDIS_URL: redisUrl,
          RUNG_WORKER_ID: name,
          RUNG_WATCH_PARENT: '1',
          RUNG_CPU_SLOTS: String(opts.cpuSlots),
          RUNG_CHECKPOINT_ROOT: env.RUNG_CHECKPOINT_ROOT || join(stateDir, 'checkpoints'),
        },
        logFile: join(logsDir, `${name}.log`),
      });
    }
    const lateWorkers = await waitForWorkers(supervisor, workers, logsDir, opts);
    return {
      apiUrl,
      port,
      redisUrl,
      privateRedis: redis !== undefined,
      logsDir,
      workers,
      lateWorkers,
      supervisor,
      stop,
      kill: () => supervisor.killAll(),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function validate(opts: typeof DEFAULTS): void {
  const check = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new ClusterStartError(`${name} ${v}: must be an integer in [${min}, ${max}]`);
    }
  };
  check('workers', opts.workers, 0, 1024);
  check('port', opts.port, 0, 65535);
  check('cpuSlots', opts.cpuSlots, 1, 1024);
}

function abortIfAsked(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ClusterStartError('interrupted while starting', true);
}

/**
 * Polls `/healthz` until it answers 200. Fails at once if the scheduler exits, and after the
 * timeout otherwise, with the last lines of the scheduler's log either way.
 */
async function waitForHealth(
  apiUrl: string,
  supervisor: Supervisor,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const client = new ApiClient(apiUrl, { timeoutMs: 2000 });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    abortIfAsked(signal);
    const exit = supervisor.exitOf('scheduler');
    if (exit) {
      throw new ClusterStartError(
        `the scheduler stopped while starting (${describeExit(exit)}). Last lines of its log:\n` +
          indent(exit.tail),
      );
    }
    if (await client.healthy(signal)) return;
    if (Date.now() > deadline) {
      throw new ClusterStartError(
        `the scheduler did not answer ${apiUrl}/healthz within ${Math.round(timeoutMs / 1000)} s. ` +
          `Last lines of its log:\n${indent(supervisor.tail('scheduler'))}`,
      );
    }
    try {
      await sleep(200, undefined, { signal });
    } catch {
      abortIfAsked(signal);
    }
  }
}

/**
 * Waits until every worker that still runs has logged {@link WORKER_READY}; returns those that
 * had not by the deadline. Workers that exited are left to the unexpected-exit report.
 */
async function waitForWorkers(
  supervisor: Supervisor,
  workers: readonly string[],
  logsDir: string,
  opts: { workerReadyMs: number; signal?: AbortSignal | undefined },
): Promise<string[]> {
  const deadline = Date.now() + opts.workerReadyMs;
  let waiting = [...workers];
  for (;;) {
    abortIfAsked(opts.signal);
    waiting = waiting.filter(
      (name) => supervisor.isRunning(name) && !logHas(join(logsDir, `${name}.log`), WORKER_READY),
    );
    if (waiting.length === 0 || Date.now() > deadline) return waiting;
    try {
      await sleep(100, undefined, { signal: opts.signal });
    } catch {
      abortIfAsked(opts.signal);
    }
  }
}

function logHas(file: string, text: string): boolean {
  try {
    return readFileSync(file, 'utf8').includes(text);
  } catch {
    return false;
  }
}

/** Indented log lines, or a note that the log is empty. */
export function indent(lines: readonly string[]): string {
  return lines.length ? lines.map((l) => `  ${l}`).join('\n') : '  (its log is empty)';
}

/** Fails with a clear message when something already listens on 127.0.0.1:`port`. */
async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new ClusterStartError(
          err.code === 'EADDRINUSE'
            ? `port ${port} is in use (another Rung cluster?): pick another with --port or RUNG_PORT`
            : `cannot listen on 127.0.0.1:${port}: ${err.message}`,
        ),
      );
    });
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolvePort()));
  });
}

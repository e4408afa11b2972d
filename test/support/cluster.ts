/**
 * Starts the real scheduler and workers as child processes (their built dist/ entries) against the
 * test run's redis-server, each cluster isolated by a random key prefix and queue name.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SweepView } from '@rung/shared';
import { freePort } from '../../packages/store/src/local-redis-server.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built entry points the real processes run (`npm run build` makes them). */
export const SCHEDULER = join(ROOT, 'apps/scheduler/dist/server.js');
export const WORKER = join(ROOT, 'apps/gpu-worker/dist/main.js');

export interface TestCluster {
  api: string;
  prefix: string;
  workers: ChildProcess[];
  scheduler: ChildProcess;
  /** Output of every process so far, for failure messages. */
  logs(): string;
  /** Submits a sweep (YAML); throws with the API's answer unless it is created. */
  submit(yaml: string): Promise<SweepView>;
  /** Stops the scheduler (SIGTERM, or SIGKILL with `kill: true`) and starts a new one on its port. */
  restartScheduler(opts?: { kill?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export async function startCluster(
  redisUrl: string,
  opts: { workers: number; env?: Record<string, string> },
): Promise<TestCluster> {
  for (const entry of [SCHEDULER, WORKER]) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  }
  const port = await freePort();
  const prefix = `e2e-${randomUUID().slice(0, 8)}:`;
  const env = {
    ...process.env,
    REDIS_URL: redisUrl,
    RUNG_PREFIX: prefix,
    RUNG_QUEUE: `q-${randomUUID().slice(0, 8)}`,
    RUNG_PORT: String(port),
    RUNG_HOST: '127.0.0.1',
    RUNG_GPUS: 'none',
    RUNG_CPU_SLOTS: '1',
    RUNG_SHUTDOWN_GRACE_MS: '2000',
    // One folder for all the cluster's workers, as a shared volume would be.
    RUNG_CHECKPOINT_ROOT: mkdtempSync(join(tmpdir(), 'rung-e2e-checkpoints-')),
    LOG_LEVEL: 'info',
    ...opts.env,
  };
  let output = '';
  const collect = (name: string, child: ChildProcess) => {
    child.stdout?.on('data', (c: Buffer) => {
      output += `[${name}] ${c}`;
    });
    child.stderr?.on('data', (c: Buffer) => {
      output += `[${name}!] ${c}`;
    });
    return child;
  };
  const startScheduler = () => collect('scheduler', spawn(process.execPath, [SCHEDULER], { env }));
  let scheduler = startScheduler();
  const workers = Array.from({ length: opts.workers }, (_, i) =>
    collect(
      `worker-${i}`,
      spawn(process.execPath, [WORKER], { env: { ...env, RUNG_WORKER_ID: `w${i}` } }),
    ),
  );
  const api = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${api}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok && (output.match(/worker ready/g)?.length ?? 0) >= opts.workers) break;
    if (Date.now() > deadline) throw new Error(`cluster did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const stopOne = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  const healthy = () =>
    fetch(`${api}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
  return {
    api,
    prefix,
    workers,
    get scheduler() {
      return scheduler;
    },
    logs: () => output,
    async submit(yaml) {
      const res = await fetch(`${api}/v1/sweeps`, {
        method: 'POST',
        headers: { 'content-type': 'application/yaml' },
        body: yaml,
      });
      const body = (await res.json()) as { sweep: SweepView };
      if (res.status !== 201)
        throw new Error(`sweep refused (${res.status}): ${JSON.stringify(body)}`);
      return body.sweep;
    },
    async restartScheduler(opts = {}) {
      if (opts.kill) {
        const exited = new Promise((r) => scheduler.once('exit', r));
        scheduler.kill('SIGKILL');
        await exited;
      } else {
        await stopOne(scheduler);
      }
      scheduler = startScheduler();
      const deadline = Date.now() + 30_000;
      while (!(await healthy())) {
        if (Date.now() > deadline) throw new Error(`scheduler did not come back:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop() {
      await Promise.all(workers.map(stopOne));
      await stopOne(scheduler);
    },
  };
}

/** Polls `GET path` until `done(body)` holds. */
export async function waitFor<T>(
  url: string,
  done: (body: T) => boolean,
  timeoutMs: number,
  describe: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = (await (await fetch(url)).json()) as T;
    if (done(body)) return body;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting on ${url}; last: ${JSON.stringify(body)}\n${describe()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasRedisServer } from '@rung/store';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/api-client.js';
import {
  ClusterStartError,
  type LocalClusterOptions,
  startLocalCluster,
} from '../../src/cluster/local-cluster.js';
import { lockStateDir, StateDirInUseError } from '../../src/cluster/state-lock.js';
import type { ChildExit } from '../../src/cluster/supervisor.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
/** Never contacted: the fake scheduler and workers only log it. */
const FAKE_REDIS = 'redis://127.0.0.1:1';

async function options(extra: Partial<LocalClusterOptions> = {}): Promise<LocalClusterOptions> {
  return {
    workers: 2,
    port: 0,
    cpuSlots: 3,
    stateDir: await mkdtemp(join(tmpdir(), 'rung-cluster-')),
    redisUrl: FAKE_REDIS,
    schedulerEntry: fixture('fake-scheduler.mjs'),
    workerEntry: fixture('fake-worker.mjs'),
    env: { ...process.env },
    workerStopMs: 2000,
    schedulerStopMs: 2000,
    ...extra,
  };
}

async function startError(opts: LocalClusterOptions): Promise<ClusterStartError> {
  const err = await startLocalCluster(opts).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ClusterStartError);
  return err as ClusterStartError;
}

function jsonLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('startLocalCluster', () => {
  it('starts the scheduler and workers with their environment, logs to files, stops workers first', async () => {
    const opts = await options();
    const cluster = await startLocalCluster(opts);
    expect(cluster.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await new ApiClient(cluster.apiUrl).healthy()).toBe(true);
    expect(cluster.workers).toEqual(['worker-1', 'worker-2']);
    expect(cluster.privateRedis).toBe(false);
    expect(existsSync(join(opts.stateDir!, 'cluster.lock'))).toBe(true);

    const logs = cluster.logsDir;
    // The start waited for both workers to say they are ready.
    expect(cluster.lateWorkers).toEqual([]);
    expect(readFileSync(join(logs, 'worker-1.log'), 'utf8')).toContain('"msg":"worker ready"');
    expect(jsonLines(join(logs, 'scheduler.log'))[0]).toMatchObject({
      msg: 'scheduler starting',
      redisUrl: FAKE_REDIS,
      host: '127.0.0.1',
    });
    expect(jsonLines(join(logs, 'worker-2.log'))[0]).toMatchObject({
      workerId: 'worker-2',
      cpuSlots: '3',
      redisUrl: FAKE_REDIS,
    });

    const results = await cluster.stop();
    expect(results.map((r) => [r.name, r.code, r.killed])).toEqual([
      ['worker-1', 0, false],
      ['worker-2', 0, false],
      ['scheduler', 0, false],
    ]);
    // The scheduler hears SIGTERM only once the workers (150 ms to stop) are gone.
    const termAt = (name: string) =>
      jsonLines(join(logs, `${name}.log`)).find((l) => l.msg === 'got SIGTERM')!.at as number;
    expect(termAt('scheduler') - termAt('worker-1')).toBeGreaterThanOrEqual(140);
    expect(existsSync(join(opts.stateDir!, 'cluster.lock'))).toBe(false);
    expect(await new ApiClient(cluster.apiUrl).healthy()).toBe(false);
  });

  it('reports a worker that dies after the start', async () => {
    const exits: ChildExit[] = [];
    const opts = await options({
      env: { ...process.env, FAKE_CRASH_WORKER: 'worker-1' },
      onUnexpectedExit: (e) => exits.push(e),
    });
    const cluster = await startLocalCluster(opts);
    const start = Date.now();
    while (exits.length === 0 && Date.now() - start < 5000)
      await new Promise((r) => setTimeout(r, 20));
    expect(exits).toHaveLength(1);
    expect(exits[0]).toMatchObject({ name: 'worker-1', code: 1 });
    expect(exits[0]!.tail.at(-1)).toBe('ERROR lost the GPU');
    const results = await cluster.stop();
    expect(results.find((r) => r.name === 'worker-1')).toMatchObject({ code: 1, killed: false });
  });

  it('names the workers that did not say they were ready in time, without failing', async () => {
    const opts = await options({
      env: { ...process.env, FAKE_LATE_WORKER: 'worker-2' },
      workerReadyMs: 300,
    });
    const t0 = Date.now();
    const cluster = await startLocalCluster(opts);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(cluster.lateWorkers).toEqual(['worker-2']);
    expect(cluster.supervisor.isRunning('worker-2')).toBe(true);
    await cluster.stop();
  });

  it('refuses a port that is in use, and releases the state folder', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const opts = await options({ port });
      const err = await startError(opts);
      expect(err.message).toBe(
        `port ${port} is in use (another Rung cluster?): pick another with --port or RUNG_PORT`,
      );
      expect(existsSync(join(opts.stateDir!, 'cluster.lock'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('says to build when an entry point is missing', async () => {
    const err = await startError(
      await options({ workerEntry: '/nowhere/gpu-worker/dist/main.js' }),
    );
    expect(err.message).toBe(
      'Rung is not built: missing /nowhere/gpu-worker/dist/main.js (worker). Run: npm run build',
    );
  });

  it("shows the scheduler's last log lines when it dies while starting", async () => {
    const opts = await options({ env: { ...process.env, FAKE_SCHEDULER: 'crash' } });
    const err = await startError(opts);
    expect(err.message).toContain('the scheduler stopped while starting (exit code 2)');
    expect(err.message).toContain('  FATAL cannot connect to Redis (err: ECONNREFUSED)');
    expect(existsSync(join(opts.stateDir!, 'cluster.lock'))).toBe(false);
  });

  it('gives up on a scheduler that never answers /healthz', async () => {
    const opts = await options({
      env: { ...process.env, FAKE_SCHEDULER: 'silent' },
      healthTimeoutMs: 400,
    });
    const err = await startError(opts);
    expect(err.message).toMatch(
      /the scheduler did not answer http:\/\/127\.0\.0\.1:\d+\/healthz within/,
    );
    expect(err.message).toContain('INFO scheduler starting');
  });

  it('stops starting when interrupted', async () => {
    const controller = new AbortController();
    const opts = await options({
      env: { ...process.env, FAKE_SCHEDULER: 'silent' },
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 300);
    const err = await startError(opts);
    expect(err.interrupted).toBe(true);
  });

  it.skipIf(!hasRedisServer())(
    'starts and stops a private redis-server when no Redis is given',
    async () => {
      const opts = await options({ redisUrl: undefined, workers: 1 });
      const cluster = await startLocalCluster(opts);
      expect(cluster.privateRedis).toBe(true);
      expect(cluster.redisUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      expect(existsSync(join(opts.stateDir!, 'redis'))).toBe(true);
      await cluster.stop();
      const port = Number(new URL(cluster.redisUrl).port);
      // Redis is gone: its port is free again.
      const srv = createServer();
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, '127.0.0.1', () => resolve());
      });
      srv.close();
    },
  );
});

describe('lockStateDir', () => {
  it('refuses a folder held by a live process and takes over one left by a dead process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rung-lock-'));
    // The test runner's parent is alive and is not us.
    writeFileSync(join(dir, 'cluster.lock'), `${process.ppid}\n`);
    expect(() => lockStateDir(dir)).toThrow(StateDirInUseError);
    expect(() => lockStateDir(dir)).toThrow(
      `is in use by another Rung cluster (pid ${process.ppid})`,
    );
    // A pid far above pid_max: no such process.
    writeFileSync(join(dir, 'cluster.lock'), '99999999\n');
    const lock = lockStateDir(dir);
    expect(readFileSync(lock.file, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });
});

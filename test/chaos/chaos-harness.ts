/**
 * The chaos harness: a real cluster — its own redis-server (AOF on), two scheduler replicas, N
 * workers — runs a sweep of short `sleep` trials while, at random moments (a seeded schedule),
 * the harness kill -9s a worker, the leading scheduler or redis-server, and restarts it (the
 * worker under the same id, the scheduler on the same port, Redis on the same data folder), or
 * makes the network to Redis bad (every process talks to it through a proxy that the harness
 * slows down for a while, or that cuts every connection at once). When
 * the sweep ends it checks the records against the invariants: every trial number once, every
 * trial ended once, counts that match the trials, each attempt's reports its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@rung/search';
import { isActive, type SweepView, TRIAL_STATES, type Trial } from '@rung/shared';
import { freePort, type LocalRedis, RedisStore, startLocalRedis } from '@rung/store';
import { Redis } from 'ioredis';
import { SCHEDULER, WORKER } from '../support/cluster.js';
import { startFlakyProxy } from './flaky-proxy.js';

export interface ChaosOptions {
  trials: number;
  workers: number;
  seed: number;
  /** Pause between two faults, drawn in [min, max] ms. */
  faultEveryMs: [number, number];
  /** Progress lines (each fault, each recovery). */
  log?: (line: string) => void;
}

/** What the harness does to the cluster: kill -9 (and restart) a process, or hurt the network. */
export type FaultKind = 'worker' | 'scheduler' | 'redis' | 'slow' | 'cut';

export interface ChaosReport {
  trials: number;
  seconds: number;
  faults: Record<FaultKind, number>;
  /** Infrastructure retries over all trials. */
  retries: number;
  /** kill -9 of a worker → each of its trials running again (or ended) elsewhere, ms. */
  workerRecoveryMs: number[];
  /** kill -9 of the leader → a trial created again, ms from the restart. */
  schedulerRecoveryMs: number[];
  /** kill -9 of redis-server → the sweep making progress again, ms from the restart. */
  redisRecoveryMs: number[];
  /** Trial numbers missing from the records. */
  lost: number;
  /** Trials counted in a state they are not in, or ended more than once. */
  doubleCounted: number;
  /** Every broken invariant, said in words (empty when all held). */
  problems: string[];
  states: Record<string, number>;
}

interface Proc {
  child: ChildProcess;
  output: string[];
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const log = opts.log ?? (() => undefined);
  const rng = createRng(opts.seed);
  const between = (min: number, max: number) => min + rng.next() * (max - min);
  const dir = mkdtempSync(join(tmpdir(), 'rung-chaos-'));
  const prefix = `chaos-${randomUUID().slice(0, 8)}:`;
  let redis: LocalRedis = await startLocalRedis({ dir: join(dir, 'redis') });
  const redisPort = redis.port;
  const proxy = await startFlakyProxy(
    redisPort,
    (() => {
      const jitter = createRng(opts.seed + 1);
      return () => jitter.next();
    })(),
  );
  const apiPorts = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
    RUNG_PREFIX: prefix,
    RUNG_QUEUE: `chaos-${randomUUID().slice(0, 8)}`,
    RUNG_HOST: '127.0.0.1',
    RUNG_GPUS: 'none',
    RUNG_CPU_SLOTS: '2',
    RUNG_CHECKPOINT_ROOT: join(dir, 'checkpoints'),
    RUNG_ADMIN_TOKEN: '',
    LOG_LEVEL: 'warn',
  };
  const spawnProc = (entry: string, extra: Record<string, string>): Proc => {
    const child = spawn(process.execPath, [entry], { env: { ...env, ...extra } });
    const output: string[] = [];
    const keep = (c: Buffer) => {
      output.push(c.toString());
      if (output.length > 50) output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return { child, output };
  };
  const schedulers = apiPorts.map((port) => spawnProc(SCHEDULER, { RUNG_PORT: String(port) }));
  const workerIds = Array.from({ length: opts.workers }, (_, i) => `cw${i}`);
  const workers = workerIds.map((id) => spawnProc(WORKER, { RUNG_WORKER_ID: id }));
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  // Redis is killed on purpose: the client reconnects, and its errors meanwhile are expected.
  client.on('error', () => undefined);
  const store = new RedisStore(client, { prefix });
  const faults: Record<FaultKind, number> = { worker: 0, scheduler: 0, redis: 0, slow: 0, cut: 0 };
  const workerRecoveryMs: number[] = [];
  const schedulerRecoveryMs: number[] = [];
  const redisRecoveryMs: number[] = [];
  const pendingWorkerRecoveries: { at: number; trials: { number: number; attempt: number }[] }[] =
    [];
  const started = Date.now();

  const api = async (path: string, init?: RequestInit): Promise<Response> => {
    for (let round = 0; ; round++) {
      for (const port of apiPorts) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}${path}`, {
            ...init,
            signal: AbortSignal.timeout(3000),
          });
          if (res.status < 500) return res;
        } catch {
          // This replica is down (killed) or waiting on Redis: try the other.
        }
      }
      if (round > 200) throw new Error(`no scheduler answered ${path}`);
      await sleep(100);
    }
  };

  try {
    await until(
      'the cluster is up',
      async () =>
        (await store.liveWorkers(Date.now())).length === opts.workers && (await api('/healthz')).ok,
      60_000,
    );
    const res = await api('/v1/sweeps', {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: `
method: random
trainer: { name: sleep, options: { steps: 5, seconds_per_step: 0.2 } }
metric: { name: val_loss, goal: minimize }
parameters:
  x: { min: 0, max: 1 }
parallelism: ${opts.workers * 2}
run_cap: ${opts.trials}
max_retries: 10
`,
    });
    if (res.status !== 201) throw new Error(`sweep refused: ${await res.text()}`);
    const { sweep } = (await res.json()) as { sweep: SweepView };
    log(`sweep ${sweep.id}: ${opts.trials} trials on ${opts.workers} workers`);

    const status = async () => {
      try {
        return await store.sweepStatus(sweep.id);
      } catch {
        return undefined;
      }
    };
    let nextKill = Date.now() + between(...opts.faultEveryMs);
    const deadline = Date.now() + 20 * 60_000;
    for (;;) {
      const s = await status();
      if (s && s.state !== 'running') break;
      if (Date.now() > deadline) throw new Error(`the sweep did not end: ${JSON.stringify(s)}`);
      await settleWorkerRecoveries(store, sweep.id, pendingWorkerRecoveries, workerRecoveryMs);
      if (Date.now() < nextKill) {
        await sleep(50);
        continue;
      }
      const draw = rng.next();
      const kind: FaultKind =
        draw < 0.45
          ? 'worker'
          : draw < 0.6
            ? 'scheduler'
            : draw < 0.75
              ? 'redis'
              : draw < 0.9
                ? 'slow'
                : 'cut';
      faults[kind] += 1;
      if (kind === 'slow') {
        const maxMs = between(20, 300);
        proxy.slowDown(maxMs, Date.now() + 3000);
        log(`network to Redis slow: up to ${Math.round(maxMs)} ms a chunk for 3 s`);
      } else if (kind === 'cut') {
        log(`network to Redis cut: ${proxy.cutAll()} connections dropped`);
      } else if (kind === 'worker') {
        const i = Math.floor(rng.next() * workers.length);
        const victim = workerIds[i]!;
        const running = (await store.activeTrials(sweep.id, { reports: false })).filter(
          (t) => t.state === 'running' && t.workerId === victim,
        );
        await killAndWait(workers[i]!.child);
        const at = Date.now();
        pendingWorkerRecoveries.push({
          at,
          trials: running.map((t) => ({ number: t.number, attempt: t.attempt })),
        });
        log(`kill -9 worker ${victim} (running ${running.map((t) => t.number).join(', ')})`);
        await sleep(between(200, 1500));
        workers[i] = spawnProc(WORKER, { RUNG_WORKER_ID: victim });
      } else if (kind === 'scheduler') {
        const holder = (await client.get(`${prefix}leader`)) ?? '';
        const port = Number(holder.split('-').at(-1));
        const i = Math.max(0, apiPorts.indexOf(port));
        await killAndWait(schedulers[i]!.child);
        log(`kill -9 scheduler on :${apiPorts[i]} (${holder ? 'the leader' : 'no leader yet'})`);
        await sleep(between(100, 1000));
        const before = (await status())?.trials ?? 0;
        const restartedAt = Date.now();
        schedulers[i] = spawnProc(SCHEDULER, { RUNG_PORT: String(apiPorts[i]) });
        const ms = await progressAfter(restartedAt, async () => {
          const s = await status();
          return s !== undefined && (s.trials > before || s.state !== 'running');
        });
        if (ms !== undefined && before < opts.trials) schedulerRecoveryMs.push(ms);
        log(`  scheduler back: a trial created ${ms ?? '?'} ms after the restart`);
      } else {
        const finishedBefore = await finishedCount(store, sweep.id);
        process.kill(redis.pid, 'SIGKILL');
        await redis.exited;
        log('kill -9 redis-server');
        await sleep(between(100, 1000));
        const restartedAt = Date.now();
        redis = await startLocalRedis({ dir: join(dir, 'redis'), port: redisPort });
        const ms = await progressAfter(restartedAt, async () => {
          const now = await finishedCount(store, sweep.id).catch(() => -1);
          return now > finishedBefore || (await status())?.state !== 'running';
        });
        if (ms !== undefined) redisRecoveryMs.push(ms);
        log(`  redis back: a trial finished ${ms ?? '?'} ms after the restart`);
      }
      nextKill = Date.now() + between(...opts.faultEveryMs);
    }
    await settleWorkerRecoveries(store, sweep.id, pendingWorkerRecoveries, workerRecoveryMs);

    const check = await checkInvariants(store, sweep.id, opts.trials);
    return {
      trials: opts.trials,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      faults,
      workerRecoveryMs,
      schedulerRecoveryMs,
      redisRecoveryMs,
      ...check,
    };
  } catch (err) {
    const tails = [...schedulers, ...workers].map((p) => p.output.join('').slice(-2000));
    throw new Error(`${(err as Error).message}\n--- process output ---\n${tails.join('\n')}`, {
      cause: err,
    });
  } finally {
    await Promise.all([...schedulers, ...workers].map((p) => killAndWait(p.child)));
    await proxy.close();
    await store.close().catch(() => undefined);
    client.disconnect();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** For each killed worker's trials: the time until a later attempt started, or the trial ended. */
async function settleWorkerRecoveries(
  store: RedisStore,
  sweepId: string,
  pending: { at: number; trials: { number: number; attempt: number }[] }[],
  into: number[],
): Promise<void> {
  for (const kill of [...pending]) {
    const left: typeof kill.trials = [];
    for (const t of kill.trials) {
      const trial = await store.getTrial(sweepId, t.number, { attempts: true }).catch(() => null);
      const next = trial?.attempts?.find((a) => a.attempt > t.attempt);
      if (next) into.push(Math.max(0, next.startedAt - kill.at));
      else if (trial && !isActive(trial.state))
        into.push(Math.max(0, (trial.finishedAt ?? 0) - kill.at));
      else left.push(t);
    }
    kill.trials = left;
    if (left.length === 0) pending.splice(pending.indexOf(kill), 1);
  }
}

async function finishedCount(store: RedisStore, sweepId: string): Promise<number> {
  const s = await store.sweepStatus(sweepId);
  if (!s) return 0;
  return TRIAL_STATES.filter((st) => !isActive(st)).reduce((sum, st) => sum + s.counts[st], 0);
}

/** The invariants, over the records of the ended sweep. */
async function checkInvariants(
  store: RedisStore,
  sweepId: string,
  trials: number,
): Promise<Pick<ChaosReport, 'lost' | 'doubleCounted' | 'problems' | 'retries' | 'states'>> {
  const problems: string[] = [];
  const sweep = await store.getSweep(sweepId);
  if (sweep?.state !== 'completed') problems.push(`the sweep ended ${sweep?.state}, not completed`);
  const all: Trial[] = [];
  for (let after = -1; ; ) {
    const page = await store.listTrials(sweepId, { after, limit: 1000 });
    all.push(...page);
    if (page.length < 1000) break;
    after = page.at(-1)!.number;
  }
  const numbers = new Set(all.map((t) => t.number));
  let lost = 0;
  for (let n = 0; n < trials; n++) if (!numbers.has(n)) lost += 1;
  if (lost > 0) problems.push(`${lost} trial numbers missing`);
  if (all.length !== numbers.size) problems.push('a trial number appears twice');
  if (all.length > trials) problems.push(`${all.length} trials for a run_cap of ${trials}`);

  let doubleCounted = 0;
  const states: Record<string, number> = {};
  for (const t of all) states[t.state] = (states[t.state] ?? 0) + 1;
  for (const state of TRIAL_STATES) {
    const counted = sweep?.counts[state] ?? 0;
    if (counted !== (states[state] ?? 0)) {
      doubleCounted += Math.abs(counted - (states[state] ?? 0));
      problems.push(`counts say ${counted} ${state}, the trials ${states[state] ?? 0}`);
    }
  }
  const active = all.filter((t) => isActive(t.state));
  if (active.length > 0) problems.push(`${active.length} trials never ended`);

  // Every trial ended once: one trial.finished entry each (the log is not capped at this size).
  const ends = new Map<number, number>();
  for (let after = '0-0'; ; ) {
    const events = await store.readEvents(sweepId, after, 1000);
    for (const e of events) {
      if (e.type === 'trial.finished') ends.set(e.number, (ends.get(e.number) ?? 0) + 1);
    }
    if (events.length < 1000) break;
    after = events.at(-1)!.id;
  }
  for (const t of all) {
    const n = ends.get(t.number) ?? 0;
    if (n !== 1) {
      if (n > 1) doubleCounted += n - 1;
      problems.push(`trial ${t.number} ended ${n} times in the log`);
    }
  }

  // Each attempt's reports are its own: inside its lifetime, one per step, in order; the trial's
  // own series is its last attempt's (or that attempt's resumed from a checkpoint).
  let retries = 0;
  for (const t of all) {
    retries += t.retries ?? 0;
    const full = await store.getTrial(sweepId, t.number, { attempts: true });
    for (const a of full?.attempts ?? []) {
      const steps = a.reports.map((r) => r.step);
      if (steps.some((s, i) => i > 0 && s <= steps[i - 1]!)) {
        problems.push(`trial ${t.number} attempt ${a.attempt}: steps out of order ${steps}`);
      }
      if (a.reports.some((r) => r.at < a.startedAt)) {
        problems.push(`trial ${t.number} attempt ${a.attempt}: a report from before it started`);
      }
    }
    const last = full?.attempts?.at(-1);
    if (full && last && t.state === 'completed') {
      const own = JSON.stringify(last.reports.map((r) => r.step));
      const shown = JSON.stringify(full.reports.map((r) => r.step).slice(-last.reports.length));
      if (own !== shown) problems.push(`trial ${t.number}: its reports are not its last attempt's`);
      const final = full.reports.at(-1)?.metrics.val_loss;
      if (final !== t.value)
        problems.push(`trial ${t.number}: value ${t.value} ≠ last report ${final}`);
    }
  }
  return { lost, doubleCounted, problems, retries, states };
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Milliseconds from `from` until `progressed` holds (polled), or undefined after 60 s. */
async function progressAfter(
  from: number,
  progressed: () => Promise<boolean>,
): Promise<number | undefined> {
  while (Date.now() - from < 60_000) {
    if (await progressed().catch(() => false)) return Date.now() - from;
    await sleep(25);
  }
  return undefined;
}

async function until(what: string, probe: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** p50 and max of a list of milliseconds, for printing. */
export function summary(ms: readonly number[]): string {
  if (ms.length === 0) return 'n/a';
  const sorted = [...ms].sort((a, b) => a - b);
  const p50 = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return `p50 ${(p50 / 1000).toFixed(2)} s, max ${(sorted.at(-1)! / 1000).toFixed(2)} s (${ms.length})`;
}

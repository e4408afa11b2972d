/**
 * The store on Redis: hashes are the record of truth, every change is one Lua script (see
 * scripts/), and each sweep's event log is a capped Stream written by the same scripts.
 */
import {
  interpolateQuantile,
  type PeerSummary,
  type PruneReason,
  quantileRanks,
} from '@rung/search';
import type {
  Goal,
  Report,
  SweepChanges,
  SweepEvent,
  SweepSpec,
  SweepState,
  SweepView,
  TokenRecord,
  Trial,
  TrialCheckpoint,
  TrialState,
} from '@rung/shared';
import type { Redis } from 'ioredis';
import { createKeys, type Keys } from '../keys.js';
import { cutLine, pageOfLogs } from '../logs.js';
import {
  type AttemptUsage,
  type CreateTrialResult,
  type FollowedLogs,
  LOG_LINES_KEPT,
  type LogLine,
  type LogPositions,
  type NewCheckpoint,
  type NewSweep,
  type NewTrial,
  type ReportOptions,
  type ReportOutcome,
  type StartTrialResult,
  type Store,
  type SweepStatus,
  type TrialLogs,
  type TrialOutcome,
  type TrialPage,
  type TrialStart,
  type WorkerInfo,
} from '../store.js';
import { sweepEventFor } from '../sweep-events.js';
import {
  attemptOf,
  checkpointOf,
  countsOf,
  fieldOf,
  fromScore,
  parseEntry,
  reportsOf,
  toScore,
  toSweepView,
  toTrial,
} from './codec.js';
import { DECLARED_KEYS_GUARD, type LuaScript } from './script.js';
import { SCRIPTS } from './scripts/index.js';

export interface RedisStoreOptions {
  /** Prefix of every key. @defaultValue `rung:` */
  prefix?: string;
  /**
   * Entries each sweep's event log keeps (approximately: Redis trims in whole nodes).
   * @defaultValue 20000
   */
  eventLogCap?: number;
  /** Trials ended per script call when a sweep cancels its active trials. @defaultValue 500 */
  endBatch?: number;
  /**
   * Make every script refuse keys it did not declare and keys of two sweeps (for the conformance
   * suite). @defaultValue false
   */
  checkDeclaredKeys?: boolean;
}

const DEFAULTS = { prefix: 'rung:', eventLogCap: 20_000, endBatch: 500, checkDeclaredKeys: false };

type Lua = Record<string, (...args: (string | number)[]) => Promise<unknown>>;

export class RedisStore implements Store {
  readonly keys: Keys;
  private readonly opts: typeof DEFAULTS;
  private readonly lua: Lua;
  /** A second connection for blocking reads (`follow`), opened on first use. */
  private blocking: Redis | undefined;

  constructor(
    readonly redis: Redis,
    options: RedisStoreOptions = {},
  ) {
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.opts = { ...DEFAULTS, ...given };
    if (!Number.isInteger(this.opts.eventLogCap) || this.opts.eventLogCap < 100) {
      throw new Error(`eventLogCap must be an integer >= 100, got ${this.opts.eventLogCap}`);
    }
    this.keys = createKeys(this.opts.prefix);
    for (const script of SCRIPTS) this.define(script);
    this.lua = redis as unknown as Lua;
  }

  private define(script: LuaScript): void {
    const lua = this.opts.checkDeclaredKeys ? `${DECLARED_KEYS_GUARD}\n${script.lua}` : script.lua;
    // Variadic scripts say how many keys each call passes (numberOfKeys left undefined).
    const numberOfKeys = script.variadicKeys ? undefined : script.keys.length;
    this.redis.defineCommand(
      script.name,
      numberOfKeys === undefined ? { lua } : { numberOfKeys, lua },
    );
  }

  /** The keys every script that moves one trial declares first, in this order. */
  private lifecycleKeys(sweepId: string, number: number): string[] {
    const k = this.keys;
    return [
      k.sweep(sweepId),
      k.counts(sweepId),
      k.active(sweepId),
      k.trial(sweepId, number),
      k.attempts(sweepId, number),
      k.events(sweepId),
    ];
  }

  /** Calls a script whose key count varies: ioredis then wants the count first. */
  private variadic(name: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.lua[name]!(keys.length, ...keys, ...args);
  }

  private get cap(): number {
    return this.opts.eventLogCap;
  }

  /** Closes the blocking connection, if one was opened (the main one is the caller's). */
  async close(): Promise<void> {
    this.blocking?.disconnect();
    this.blocking = undefined;
  }

  // ---- sweeps ----

  async createSweep(sweep: NewSweep): Promise<void> {
    const k = this.keys;
    // Index first: an index entry without its record is skipped by every reader, while a record
    // that no index knows would be lost to the scheduler.
    await this.redis
      .pipeline()
      .zadd(k.sweeps, sweep.now, sweep.id)
      .sadd(k.liveSweeps, sweep.id)
      .exec();
    const created = await this.lua.rungCreateSweep!(
      k.sweep(sweep.id),
      k.events(sweep.id),
      sweep.now,
      this.cap,
      JSON.stringify(sweep.spec),
      sweep.sampler,
      JSON.stringify(sweep.warnings),
    );
    if (created !== 1) throw new Error(`sweep ${sweep.id} exists already`);
    await this.redis.xadd(k.sweepIndexLog, 'MAXLEN', '~', 10_000, '*', 'sweepId', sweep.id);
  }

  async updateSweepSpec(
    id: string,
    change: { previous: SweepSpec; next: SweepSpec; changes: SweepChanges; now: number },
  ): Promise<'updated' | 'not_live' | 'changed'> {
    const r = await this.lua.rungUpdateSweep!(
      this.keys.sweep(id),
      this.keys.events(id),
      change.now,
      this.cap,
      JSON.stringify(change.previous),
      JSON.stringify(change.next),
      JSON.stringify(change.changes),
    );
    return r === 1 ? 'updated' : r === 0 ? 'not_live' : 'changed';
  }

  async getSweep(id: string): Promise<SweepView | undefined> {
    const k = this.keys;
    const [sweep, counts] = (await this.redis
      .pipeline()
      .hgetall(k.sweep(id))
      .hgetall(k.counts(id))
      .exec()) as [[null, Record<string, string>], [null, Record<string, string>]];
    if (!sweep[1].state) return undefined;
    const view = toSweepView(id, sweep[1], counts[1]);
    const [top] = await this.leaderboard(id, view.spec.metric.goal, 1);
    if (top?.value !== undefined) {
      view.best = { trialId: top.id, number: top.number, value: top.value, params: top.params };
    }
    return view;
  }

  async listSweepIds(page: { after?: string; limit?: number } = {}): Promise<string[]> {
    const ids = await this.redis.zrange(this.keys.sweeps, 0, -1);
    const from = page.after === undefined ? 0 : ids.indexOf(page.after) + 1;
    return ids.slice(from, page.limit === undefined ? undefined : from + page.limit);
  }

  liveSweepIds(): Promise<string[]> {
    return this.redis.smembers(this.keys.liveSweeps);
  }

  async sweepStatus(id: string): Promise<SweepStatus | undefined> {
    const [sweep, counts] = (await this.redis
      .pipeline()
      .hmget(this.keys.sweep(id), 'state', 'nextTrial', 'gpuSeconds')
      .hgetall(this.keys.counts(id))
      .exec()) as [[null, (string | null)[]], [null, Record<string, string>]];
    const [state, nextTrial, gpuSeconds] = sweep[1];
    if (!state) return undefined;
    return {
      state: state as SweepState,
      counts: countsOf(counts[1]),
      trials: Number(nextTrial),
      gpuSeconds: Number(gpuSeconds ?? 0),
    };
  }

  async transitionSweep(
    id: string,
    from: readonly SweepState[],
    to: SweepState,
    change: { now: number; stopReason?: string },
  ): Promise<boolean> {
    const event = sweepEventFor(to, change.stopReason);
    const ok =
      (await this.lua.rungTransitionSweep!(
        this.keys.sweep(id),
        this.keys.events(id),
        change.now,
        this.cap,
        to,
        from.join(','),
        change.stopReason ?? '',
        event.type,
        JSON.stringify(event.data),
      )) === 1;
    if (ok && (to === 'completed' || to === 'cancelled')) {
      await this.redis.srem(this.keys.liveSweeps, id);
    }
    return ok;
  }

  // ---- trials ----

  async createTrial(sweepId: string, trial: NewTrial): Promise<CreateTrialResult> {
    const k = this.keys;
    const r = await this.lua.rungCreateTrial!(
      k.sweep(sweepId),
      k.counts(sweepId),
      k.active(sweepId),
      k.trial(sweepId, trial.number),
      k.events(sweepId),
      trial.now,
      this.cap,
      trial.number,
      JSON.stringify(trial.params),
      JSON.stringify(trial.point),
      trial.fence,
    );
    return r === 1 ? 'created' : r === -1 ? 'taken' : r === -3 ? 'fenced' : 'not_running';
  }

  async startTrial(sweepId: string, number: number, start: TrialStart): Promise<StartTrialResult> {
    const reply = (await this.lua.rungStartTrial!(
      ...this.lifecycleKeys(sweepId, number),
      start.now,
      this.cap,
      number,
      start.workerId,
      JSON.stringify(start.workerId),
      start.jobId,
      start.gpus ? JSON.stringify(start.gpus) : '',
    )) as [number, string, number?, ...(string | null)[]];
    const [ok, state, attempt] = reply;
    if (ok !== 1) return { ok: false, state: state as TrialState | 'missing' | 'held' | 'stale' };
    const checkpoint = checkpointOf(reply.slice(3) as (string | null)[]);
    return { ok: true, attempt: Number(attempt), ...(checkpoint && { checkpoint }) };
  }

  async setTrialBackend(
    sweepId: string,
    number: number,
    attempt: number,
    backend: string,
    now: number,
  ): Promise<boolean> {
    const r = await this.lua.rungSetTrialBackend!(
      this.keys.trial(sweepId, number),
      attempt,
      backend,
      now,
    );
    return r === 1;
  }

  async recordCheckpoint(
    sweepId: string,
    number: number,
    attempt: number,
    checkpoint: NewCheckpoint,
  ): Promise<boolean> {
    const r = await this.lua.rungRecordCheckpoint!(
      this.keys.trial(sweepId, number),
      attempt,
      checkpoint.path,
      checkpoint.step,
      checkpoint.now,
    );
    return r === 1;
  }

  async resumeFromCheckpoint(
    sweepId: string,
    number: number,
    attempt: number,
    checkpoint: TrialCheckpoint,
  ): Promise<Report[] | undefined> {
    const k = this.keys;
    const reply = (await this.lua.rungResumeFromCheckpoint!(
      k.trial(sweepId, number),
      k.reports(sweepId, number, checkpoint.attempt),
      k.reports(sweepId, number, attempt),
      attempt,
      checkpoint.attempt,
      checkpoint.step,
    )) as (number | string)[];
    if (reply[0] !== 1) return undefined;
    const copied: Record<string, string> = {};
    for (let i = 1; i < reply.length; i += 2) copied[String(reply[i])] = String(reply[i + 1]);
    return reportsOf(copied);
  }

  async report(
    sweepId: string,
    number: number,
    attempt: number,
    report: Report,
    options: ReportOptions,
  ): Promise<ReportOutcome> {
    const k = this.keys;
    const { query } = options;
    const reply = (await this.lua.rungReport!(
      k.sweep(sweepId),
      k.counts(sweepId),
      k.trial(sweepId, number),
      k.reports(sweepId, number, attempt),
      k.events(sweepId),
      query?.rung ? k.rung(sweepId, query.rung.name) : k.stepPeers(sweepId, report.step),
      report.at,
      this.cap,
      attempt,
      report.step,
      JSON.stringify({ metrics: report.metrics, at: report.at }),
      JSON.stringify({ number, attempt, step: report.step, metrics: report.metrics }),
      query ? query.quantiles.join(',') : '',
      query?.rankOf === undefined ? '' : toScore(query.rankOf),
      query ? '1' : '0',
      query?.rung?.record === undefined ? '' : toScore(query.rung.record),
      number,
      query?.ranks ? query.ranks.map((r) => `${r.fraction}:${r.offset}`).join(',') : '',
    )) as (string | number)[];
    const state = String(reply[0]);
    if (state !== 'running') return { state: state as Exclude<ReportOutcome['state'], 'running'> };
    const completedTrials = Number(reply[1]);
    if (!query) return { state: 'running', completedTrials };
    const count = Number(reply[2]);
    const peers: PeerSummary = {
      count,
      better: Number(reply[3]),
      quantiles: query.quantiles.map((q, i) => {
        if (count === 0) return Number.NaN;
        const { fraction } = quantileRanks(count, q);
        return interpolateQuantile(
          fromScore(reply[4 + 2 * i]),
          fromScore(reply[5 + 2 * i]),
          fraction,
        );
      }),
      ...(query.ranks && {
        atRanks: query.ranks.map((_, i) =>
          count === 0 ? Number.NaN : fromScore(reply[4 + 2 * query.quantiles.length + i]),
        ),
      }),
    };
    return { state: 'running', completedTrials, peers };
  }

  async rungStandings(
    sweepId: string,
    asks: readonly { name: string; value: number }[],
  ): Promise<{ count: number; better: number }[]> {
    const pipeline = this.redis.pipeline();
    for (const { name, value } of asks) {
      const key = this.keys.rung(sweepId, name);
      pipeline.zcard(key).zcount(key, '-inf', `(${toScore(value)}`);
    }
    const replies = (await pipeline.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
    return asks.map((_, i) => ({
      count: Number(replies[2 * i]![1]),
      better: Number(replies[2 * i + 1]![1]),
    }));
  }

  async rungValueAt(sweepId: string, name: string, rank: number): Promise<number | undefined> {
    if (!Number.isInteger(rank) || rank < 1) return undefined;
    const hit = await this.redis.zrange(
      this.keys.rung(sweepId, name),
      rank - 1,
      rank - 1,
      'WITHSCORES',
    );
    return hit.length === 0 ? undefined : fromScore(hit[1]);
  }

  async finishTrial(
    sweepId: string,
    number: number,
    attempt: number,
    outcome: TrialOutcome,
  ): Promise<boolean> {
    const k = this.keys;
    const value =
      outcome.value !== undefined && Number.isFinite(outcome.value) ? String(outcome.value) : '';
    const curve =
      outcome.state === 'completed'
        ? (outcome.curve ?? []).filter((s) => Number.isFinite(s.loss))
        : [];
    const data = eventDataOpen({
      number,
      attempt,
      state: outcome.state,
      value: value === '' ? undefined : outcome.value,
      pruneReason: outcome.pruneReason,
      error: outcome.error,
    });
    const r = await this.variadic(
      'rungFinishTrial',
      [
        ...this.lifecycleKeys(sweepId, number),
        k.leaderboard(sweepId),
        ...curve.map((s) => k.stepPeers(sweepId, s.step)),
      ],
      [
        outcome.now,
        this.cap,
        attempt,
        outcome.state,
        value,
        outcome.pruneReason ? JSON.stringify(outcome.pruneReason) : '',
        outcome.error ?? '',
        data,
        outcome.usage ? String(outcome.usage.gpuSeconds) : '',
        outcome.usage?.peakGpuMemoryMiB !== undefined ? String(outcome.usage.peakGpuMemoryMiB) : '',
        ...curve.map((s) => String(s.loss)),
      ],
    );
    return r === 1;
  }

  async pauseTrial(
    sweepId: string,
    number: number,
    attempt: number,
    now: number,
    reason?: PruneReason,
    usage?: AttemptUsage,
  ): Promise<boolean> {
    const r = await this.lua.rungPauseTrial!(
      ...this.lifecycleKeys(sweepId, number),
      now,
      this.cap,
      attempt,
      reason ? JSON.stringify(reason) : '',
      usage ? String(usage.gpuSeconds) : '',
      usage?.peakGpuMemoryMiB !== undefined ? String(usage.peakGpuMemoryMiB) : '',
    );
    return r === 1;
  }

  async retryTrial(
    sweepId: string,
    number: number,
    attempt: number,
    reason: string,
    now: number,
  ): Promise<boolean> {
    const r = await this.lua.rungRetryTrial!(
      ...this.lifecycleKeys(sweepId, number),
      now,
      this.cap,
      attempt,
      reason,
      JSON.stringify(reason),
    );
    return r === 1;
  }

  async resumeTrial(
    sweepId: string,
    number: number,
    now: number,
    reason?: PruneReason,
  ): Promise<boolean> {
    const r = await this.lua.rungResumeTrial!(
      ...this.lifecycleKeys(sweepId, number),
      now,
      this.cap,
      reason ? JSON.stringify(reason) : '',
    );
    return r === 1;
  }

  async endTrial(
    sweepId: string,
    number: number,
    to: 'cancelled' | 'failed' | 'pruned',
    reason: string,
    now: number,
  ): Promise<boolean> {
    return (await this.endTrials(sweepId, [number], to, reason, now)).length === 1;
  }

  async cancelActiveTrials(sweepId: string, reason: string, now: number): Promise<number[]> {
    const numbers = (await this.redis.smembers(this.keys.active(sweepId))).map(Number);
    const ended: number[] = [];
    for (let i = 0; i < numbers.length; i += this.opts.endBatch) {
      const batch = numbers.slice(i, i + this.opts.endBatch);
      ended.push(...(await this.endTrials(sweepId, batch, 'cancelled', reason, now)));
    }
    return ended.sort((a, b) => a - b);
  }

  private async endTrials(
    sweepId: string,
    numbers: readonly number[],
    to: 'cancelled' | 'failed' | 'pruned',
    reason: string,
    now: number,
  ): Promise<number[]> {
    const k = this.keys;
    const ended = (await this.variadic(
      'rungEndTrials',
      [
        k.sweep(sweepId),
        k.counts(sweepId),
        k.active(sweepId),
        k.events(sweepId),
        ...numbers.flatMap((n) => [k.trial(sweepId, n), k.attempts(sweepId, n)]),
      ],
      [now, this.cap, to, JSON.stringify(reason), reason],
    )) as number[];
    return ended.map(Number);
  }

  async getTrial(
    sweepId: string,
    number: number,
    options: { attempts?: boolean } = {},
  ): Promise<Trial | undefined> {
    const [trial] = await this.readTrials(sweepId, [number], true);
    if (!trial || !options.attempts) return trial;
    const meta = await this.redis.hgetall(this.keys.attempts(sweepId, number));
    const pipe = this.redis.pipeline();
    for (let a = 1; a <= trial.attempt; a++) pipe.hgetall(this.keys.reports(sweepId, number, a));
    const reports = ((await pipe.exec()) ?? []).map((r) => r[1] as Record<string, string>);
    trial.attempts = reports.map((r, i) => attemptOf(i + 1, meta, r));
    return trial;
  }

  async listTrials(sweepId: string, page: TrialPage = {}): Promise<Trial[]> {
    const next = Number((await this.redis.hget(this.keys.sweep(sweepId), 'nextTrial')) ?? 0);
    const from = Math.max(0, (page.after ?? -1) + 1);
    const to = page.limit === undefined ? next : Math.min(next, from + page.limit);
    const numbers = Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
    return this.readTrials(sweepId, numbers, page.reports ?? false);
  }

  async activeTrials(sweepId: string, options: { reports?: boolean } = {}): Promise<Trial[]> {
    const numbers = (await this.redis.smembers(this.keys.active(sweepId))).map(Number);
    return this.readTrials(
      sweepId,
      numbers.sort((a, b) => a - b),
      options.reports ?? false,
    );
  }

  async leaderboard(sweepId: string, goal: Goal, limit: number): Promise<Trial[]> {
    const key = this.keys.leaderboard(sweepId);
    const members =
      goal === 'maximize'
        ? await this.redis.zrevrange(key, 0, limit - 1)
        : await this.redis.zrange(key, 0, limit - 1);
    return this.readTrials(sweepId, members.map(Number), false);
  }

  /** Reads trials in two pipelined round trips: their hashes, then their current reports. */
  private async readTrials(
    sweepId: string,
    numbers: readonly number[],
    withReports: boolean,
  ): Promise<Trial[]> {
    if (numbers.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const n of numbers) pipe.hgetall(this.keys.trial(sweepId, n));
    const hashes = ((await pipe.exec()) ?? []).map((r) => r[1] as Record<string, string>);
    const found = numbers
      .map((n, i) => ({ n, h: hashes[i]! }))
      .filter(({ h }) => h.state !== undefined);
    let reports: Record<string, string>[] = [];
    if (withReports) {
      const rp = this.redis.pipeline();
      for (const { n, h } of found)
        rp.hgetall(this.keys.reports(sweepId, n, Number(h.attempt ?? 0)));
      reports = ((await rp.exec()) ?? []).map((r) => r[1] as Record<string, string>);
    }
    return found.map(({ n, h }, i) => toTrial(sweepId, n, h, reports[i] ?? {}));
  }

  // ---- trial output ----

  async appendLogs(
    sweepId: string,
    number: number,
    attempt: number,
    lines: LogLine[],
  ): Promise<void> {
    if (lines.length === 0) return;
    await this.lua.rungAppendLogs!(
      this.keys.logs(sweepId, number, attempt),
      this.keys.logCount(sweepId, number, attempt),
      LOG_LINES_KEPT,
      lines.length,
      ...lines.slice(-LOG_LINES_KEPT).map((l) => JSON.stringify(cutLine(l))),
    );
  }

  async readLogs(
    sweepId: string,
    number: number,
    options: { attempt?: number; after?: number; limit?: number } = {},
  ): Promise<TrialLogs> {
    const attempt =
      options.attempt ??
      Number((await this.redis.hget(this.keys.trial(sweepId, number), 'attempt')) ?? 0);
    const [kept, count] = (await this.redis
      .pipeline()
      .lrange(this.keys.logs(sweepId, number, attempt), 0, -1)
      .get(this.keys.logCount(sweepId, number, attempt))
      .exec()) as [[null, string[]], [null, string | null]];
    return pageOfLogs(
      attempt,
      kept[1].map((l) => JSON.parse(l) as LogLine),
      Number(count[1] ?? 0),
      options,
    );
  }

  // ---- the event log ----

  async readEvents(sweepId: string, after: string, limit: number): Promise<SweepEvent[]> {
    const entries = await this.redis.xrange(
      this.keys.events(sweepId),
      `(${after}`,
      '+',
      'COUNT',
      limit,
    );
    return entries.map(([id, fields]) => parseEntry(sweepId, id, fields));
  }

  async lastEventId(sweepId?: string): Promise<string> {
    const key = sweepId === undefined ? this.keys.sweepIndexLog : this.keys.events(sweepId);
    const [last] = await this.redis.xrevrange(key, '+', '-', 'COUNT', 1);
    return last?.[0] ?? '0-0';
  }

  async follow(positions: LogPositions, blockMs: number): Promise<FollowedLogs> {
    this.blocking ??= this.redis.duplicate();
    const ids = Object.keys(positions.sweeps);
    const keys = [this.keys.sweepIndexLog, ...ids.map((id) => this.keys.events(id))];
    const from = [positions.index, ...ids.map((id) => positions.sweeps[id]!)];
    const reply = (await this.blocking.xread(
      'COUNT',
      1000,
      'BLOCK',
      Math.max(1, Math.round(blockMs)),
      'STREAMS',
      ...keys,
      ...from,
    )) as [string, [string, string[]][]][] | null;
    const next = { index: positions.index, sweeps: { ...positions.sweeps } };
    const events: SweepEvent[] = [];
    const createdSweeps: string[] = [];
    for (const [key, entries] of reply ?? []) {
      const last = entries.at(-1)?.[0];
      if (key === this.keys.sweepIndexLog) {
        for (const [, fields] of entries) createdSweeps.push(fieldOf(fields, 'sweepId'));
        if (last) next.index = last;
        continue;
      }
      const sweepId = ids[keys.indexOf(key) - 1]!;
      for (const [id, fields] of entries) events.push(parseEntry(sweepId, id, fields));
      if (last) next.sweeps[sweepId] = last;
    }
    return { events, createdSweeps, positions: next };
  }

  // ---- workers ----

  async heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void> {
    await this.redis
      .pipeline()
      .set(this.keys.worker(info.workerId), JSON.stringify(info), 'PX', ttlMs)
      .zadd(this.keys.workers, info.at + ttlMs, info.workerId)
      .exec();
  }

  async removeWorker(workerId: string): Promise<void> {
    await this.redis
      .pipeline()
      .del(this.keys.worker(workerId))
      .zrem(this.keys.workers, workerId)
      .exec();
  }

  async liveWorkers(now: number): Promise<WorkerInfo[]> {
    await this.redis.zremrangebyscore(this.keys.workers, '-inf', `(${now}`);
    const ids = await this.redis.zrange(this.keys.workers, 0, -1);
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.get(this.keys.worker(id));
    const entries = ((await pipe.exec()) ?? []).map((r) => r[1] as string | null);
    return entries
      .filter((e): e is string => e !== null)
      .map((e) => JSON.parse(e) as WorkerInfo)
      .sort((a, b) => a.workerId.localeCompare(b.workerId));
  }

  async putToken(hash: string, record: TokenRecord): Promise<void> {
    await this.redis.hset(this.keys.tokens, hash, JSON.stringify(record));
  }

  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const raw = await this.redis.hget(this.keys.tokens, hash);
    return raw === null ? undefined : (JSON.parse(raw) as TokenRecord);
  }

  async listTokens(): Promise<TokenRecord[]> {
    return Object.values(await this.redis.hgetall(this.keys.tokens))
      .map((raw) => JSON.parse(raw) as TokenRecord)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async revokeToken(id: string): Promise<boolean> {
    // Tokens are few (people make them by hand): a scan of the hash is cheaper than an index.
    for (const [hash, raw] of Object.entries(await this.redis.hgetall(this.keys.tokens))) {
      if ((JSON.parse(raw) as TokenRecord).id === id) {
        return (await this.redis.hdel(this.keys.tokens, hash)) === 1;
      }
    }
    return false;
  }
}

/** A `trial.finished` event's data as JSON without its closing brace (the script adds the step). */
function eventDataOpen(data: Record<string, unknown>): string {
  return JSON.stringify(data).slice(0, -1);
}

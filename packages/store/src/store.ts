/**
 * The state of sweeps and trials in Redis. Redis hashes are the record of truth; every state
 * change goes through a Lua compare-and-set (lua/scripts.ts); pub/sub only tells others to look.
 */
import type { Params, Point, PruneReason } from '@rung/search';
import {
  type Report,
  type SpecWarning,
  type SweepSpec,
  type SweepState,
  type SweepView,
  TRIAL_STATES,
  type TrialRecordView,
  type TrialState,
  toLoss,
} from '@rung/shared';
import type { Redis } from 'ioredis';
import { createKeys, type Keys, trialId } from './keys.js';
import {
  ADD_REPORT,
  CREATE_TRIAL,
  FINISH_TRIAL,
  SWEEP_TRANSITION,
  TRANSITION,
} from './lua/scripts.js';

/** A notification on the events channel. */
export type StoreEvent =
  | { type: 'sweep'; sweepId: string; state: SweepState | 'created' }
  | { type: 'trial'; sweepId: string; number: number; state: TrialState };

/** A trial as read from Redis, with the encoded point samplers need. */
export interface StoredTrial extends TrialRecordView {
  point: Point;
  lastStep?: number;
}

type LuaCommands = {
  rungCreateTrial(...args: (string | number)[]): Promise<number>;
  rungTransition(...args: (string | number)[]): Promise<[number, string?, string?]>;
  rungAddReport(...args: (string | number)[]): Promise<string>;
  rungFinishTrial(...args: (string | number)[]): Promise<number>;
  rungSweepTransition(...args: (string | number)[]): Promise<number>;
};

export interface StoreOptions {
  /** Prefix of every key and channel. @defaultValue `rung:` */
  prefix?: string;
}

export class RungStore {
  readonly keys: Keys;
  private readonly lua: LuaCommands;

  constructor(
    readonly redis: Redis,
    opts: StoreOptions = {},
  ) {
    this.keys = createKeys(opts.prefix ?? 'rung:');
    redis.defineCommand('rungCreateTrial', { numberOfKeys: 3, lua: CREATE_TRIAL });
    redis.defineCommand('rungTransition', { numberOfKeys: 2, lua: TRANSITION });
    redis.defineCommand('rungAddReport', { numberOfKeys: 2, lua: ADD_REPORT });
    redis.defineCommand('rungFinishTrial', { numberOfKeys: 4, lua: FINISH_TRIAL });
    redis.defineCommand('rungSweepTransition', { numberOfKeys: 1, lua: SWEEP_TRANSITION });
    this.lua = redis as unknown as LuaCommands;
  }

  // ---- sweeps ----

  async createSweep(
    id: string,
    spec: SweepSpec,
    meta: { sampler: string; warnings: SpecWarning[]; now: number },
  ): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.sweep(id), {
        id,
        state: 'running',
        spec: JSON.stringify(spec),
        sampler: meta.sampler,
        warnings: JSON.stringify(meta.warnings),
        createdAt: meta.now,
        nextTrial: 0,
      })
      .zadd(this.keys.sweeps, meta.now, id)
      .exec();
    await this.publish({ type: 'sweep', sweepId: id, state: 'created' });
  }

  async sweepIds(): Promise<string[]> {
    return this.redis.zrange(this.keys.sweeps, 0, -1);
  }

  async getSweep(id: string): Promise<SweepView | undefined> {
    const [h, c] = await Promise.all([
      this.redis.hgetall(this.keys.sweep(id)),
      this.redis.hgetall(this.keys.counts(id)),
    ]);
    if (!h.state) return undefined;
    const spec = JSON.parse(h.spec!) as SweepSpec;
    const counts = Object.fromEntries(TRIAL_STATES.map((s) => [s, Number(c[s] ?? 0)])) as Record<
      TrialState,
      number
    >;
    const view: SweepView = {
      id,
      state: h.state as SweepState,
      spec,
      sampler: h.sampler!,
      warnings: JSON.parse(h.warnings ?? '[]') as SpecWarning[],
      counts,
      trials: Number(h.nextTrial ?? 0),
      createdAt: Number(h.createdAt),
    };
    if (spec.name) view.name = spec.name;
    if (h.stopReason) view.stopReason = h.stopReason;
    if (h.finishedAt) view.finishedAt = Number(h.finishedAt);
    const [top] = await this.leaderboard(id, spec.metric.goal, 1);
    if (top?.value !== undefined) {
      view.best = { trialId: top.id, number: top.number, value: top.value, params: top.params };
    }
    return view;
  }

  /** Moves a sweep from one of `from` to `to`; false when it was in another state. */
  async transitionSweep(
    id: string,
    from: SweepState[],
    to: SweepState,
    fields: Record<string, string | number> = {},
  ): Promise<boolean> {
    const ok =
      (await this.lua.rungSweepTransition(
        this.keys.sweep(id),
        to,
        JSON.stringify(from),
        JSON.stringify(fields),
      )) === 1;
    if (ok) await this.publish({ type: 'sweep', sweepId: id, state: to });
    return ok;
  }

  // ---- trials ----

  /**
   * Creates trial `number` of a running sweep. Returns 'created', 'taken' when that number already
   * exists (a racing scheduler made it), or 'not_running'.
   */
  async createTrial(
    sweepId: string,
    number: number,
    params: Params,
    point: Point,
    now: number,
  ): Promise<'created' | 'taken' | 'not_running'> {
    const r = await this.lua.rungCreateTrial(
      this.keys.sweep(sweepId),
      this.keys.counts(sweepId),
      this.keys.trial(sweepId, number),
      number,
      JSON.stringify(params),
      JSON.stringify(point),
      now,
    );
    if (r === 1) await this.publish({ type: 'trial', sweepId, number, state: 'queued' });
    return r === 1 ? 'created' : r === -1 ? 'taken' : 'not_running';
  }

  /** The next trial number of a sweep (= trials created so far). */
  async nextTrialNumber(sweepId: string): Promise<number> {
    return Number((await this.redis.hget(this.keys.sweep(sweepId), 'nextTrial')) ?? 0);
  }

  /**
   * A worker takes a trial: queued (or running, when a crashed worker's job is redelivered) →
   * running, with a new attempt number that fences off any older attempt still alive.
   */
  async startTrial(
    sweepId: string,
    number: number,
    workerId: string,
    now: number,
  ): Promise<{ ok: true; attempt: number } | { ok: false; state: string }> {
    const [ok, state, attempt] = await this.lua.rungTransition(
      this.keys.trial(sweepId, number),
      this.keys.counts(sweepId),
      'running',
      JSON.stringify(['queued', 'running']),
      '',
      JSON.stringify({ workerId, startedAt: now }),
      '1',
    );
    if (ok !== 1) return { ok: false, state: state ?? 'missing' };
    await this.publish({ type: 'trial', sweepId, number, state: 'running' });
    return { ok: true, attempt: Number(attempt) };
  }

  /** Records the tfjs backend (or other runtime) an attempt runs on. */
  async setTrialBackend(sweepId: string, number: number, backend: string): Promise<void> {
    await this.redis.hset(this.keys.trial(sweepId, number), 'backend', backend);
  }

  /** Stores a report; returns the trial's state ('running' when stored). */
  async addReport(
    sweepId: string,
    number: number,
    attempt: number,
    report: Report,
  ): Promise<TrialState | 'superseded' | 'missing'> {
    const state = await this.lua.rungAddReport(
      this.keys.trial(sweepId, number),
      this.keys.reports(sweepId, number),
      attempt,
      report.step,
      JSON.stringify({ metrics: report.metrics, at: report.at }),
    );
    return (state || 'missing') as TrialState | 'superseded' | 'missing';
  }

  /** Ends a running trial under `attempt`. False when it was no longer ours to end. */
  async finishTrial(
    sweepId: string,
    number: number,
    attempt: number,
    outcome: {
      state: 'completed' | 'pruned' | 'failed';
      value?: number;
      pruneReason?: PruneReason;
      error?: string;
      now: number;
    },
    metric: SweepSpec['metric'],
  ): Promise<boolean> {
    const fields: Record<string, string | number> = { finishedAt: outcome.now };
    if (outcome.pruneReason) fields.pruneReason = JSON.stringify(outcome.pruneReason);
    if (outcome.error) fields.error = outcome.error;
    const value =
      outcome.value !== undefined && Number.isFinite(outcome.value) ? outcome.value : '';
    const ok =
      (await this.lua.rungFinishTrial(
        this.keys.trial(sweepId, number),
        this.keys.counts(sweepId),
        this.keys.leaderboard(sweepId),
        this.keys.reports(sweepId, number),
        attempt,
        outcome.state,
        value,
        JSON.stringify(fields),
        metric.name,
        toLoss(1, metric.goal),
        this.keys.rungPrefix(sweepId),
        number,
      )) === 1;
    if (ok) await this.publish({ type: 'trial', sweepId, number, state: outcome.state });
    return ok;
  }

  /** Cancels a queued or running trial (a cancelled sweep, or one past its max_duration). */
  cancelTrial(sweepId: string, number: number, reason: string, now: number): Promise<boolean> {
    return this.endFromOutside(sweepId, number, 'cancelled', reason, now);
  }

  /**
   * Fails a queued or running trial from outside its run (its job failed for good, or was lost),
   * so the sweep is never left waiting on a trial that no worker will finish.
   */
  abandonTrial(sweepId: string, number: number, error: string, now: number): Promise<boolean> {
    return this.endFromOutside(sweepId, number, 'failed', error, now);
  }

  /** Ends a queued or running trial whatever its attempt (the scheduler's view, not a worker's). */
  private async endFromOutside(
    sweepId: string,
    number: number,
    to: 'cancelled' | 'failed',
    error: string,
    now: number,
  ): Promise<boolean> {
    const [ok] = await this.lua.rungTransition(
      this.keys.trial(sweepId, number),
      this.keys.counts(sweepId),
      to,
      JSON.stringify(['queued', 'running']),
      '',
      JSON.stringify({ error, finishedAt: now }),
      '0',
    );
    if (ok === 1) await this.publish({ type: 'trial', sweepId, number, state: to });
    return ok === 1;
  }

  /** How many trials of a sweep have completed (the pruners' startup count). */
  async completedCount(sweepId: string): Promise<number> {
    return Number((await this.redis.hget(this.keys.counts(sweepId), 'completed')) ?? 0);
  }

  async getTrial(sweepId: string, number: number): Promise<StoredTrial | undefined> {
    const [trial] = await this.readTrials(sweepId, [number], true);
    return trial;
  }

  /** All trials of a sweep in number order; reports only when asked (they are the bulk). */
  async listTrials(sweepId: string, opts: { reports?: boolean } = {}): Promise<StoredTrial[]> {
    const n = await this.nextTrialNumber(sweepId);
    return this.readTrials(
      sweepId,
      Array.from({ length: n }, (_, i) => i),
      opts.reports ?? false,
    );
  }

  private async readTrials(
    sweepId: string,
    numbers: number[],
    withReports: boolean,
  ): Promise<StoredTrial[]> {
    if (numbers.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const n of numbers) {
      pipe.hgetall(this.keys.trial(sweepId, n));
      if (withReports) pipe.hgetall(this.keys.reports(sweepId, n));
    }
    const results = (await pipe.exec()) ?? [];
    const stride = withReports ? 2 : 1;
    const trials: StoredTrial[] = [];
    numbers.forEach((n, i) => {
      const h = results[i * stride]?.[1] as Record<string, string> | undefined;
      if (!h?.state) return;
      const r = withReports ? (results[i * stride + 1]?.[1] as Record<string, string>) : {};
      trials.push(toStoredTrial(sweepId, n, h, r));
    });
    return trials;
  }

  /** Completed trials, best first under `goal`. */
  async leaderboard(
    sweepId: string,
    goal: SweepSpec['metric']['goal'],
    limit: number,
  ): Promise<StoredTrial[]> {
    const key = this.keys.leaderboard(sweepId);
    const members =
      goal === 'maximize'
        ? await this.redis.zrevrange(key, 0, limit - 1)
        : await this.redis.zrange(key, 0, limit - 1);
    return this.readTrials(sweepId, members.map(Number), false);
  }

  /** Losses that completed trials reported at `step` (the pruners' rung data). */
  async rungLosses(sweepId: string, step: number): Promise<number[]> {
    const flat = await this.redis.zrange(
      `${this.keys.rungPrefix(sweepId)}${step}`,
      0,
      -1,
      'WITHSCORES',
    );
    const losses: number[] = [];
    for (let i = 1; i < flat.length; i += 2) losses.push(Number(flat[i]));
    return losses;
  }

  /** A worker announces the trainers it can run; REST sweeps may only name these. */
  async registerTrainers(names: string[], workerId: string, now: number): Promise<void> {
    if (names.length === 0) return;
    const entry = JSON.stringify({ workerId, at: now });
    await this.redis.hset(this.keys.trainers, Object.fromEntries(names.map((n) => [n, entry])));
  }

  async registeredTrainers(): Promise<string[]> {
    return (await this.redis.hkeys(this.keys.trainers)).sort();
  }

  async publish(event: StoreEvent): Promise<void> {
    await this.redis.publish(this.keys.events, JSON.stringify(event));
  }
}

function toStoredTrial(
  sweepId: string,
  number: number,
  h: Record<string, string>,
  r: Record<string, string>,
): StoredTrial {
  const reports: Report[] = Object.entries(r)
    .map(([step, json]) => {
      const { metrics, at } = JSON.parse(json) as { metrics: Record<string, number>; at: number };
      return { step: Number(step), metrics, at };
    })
    .sort((a, b) => a.step - b.step);
  const trial: StoredTrial = {
    id: trialId(sweepId, number),
    sweepId,
    number,
    state: h.state as TrialState,
    params: JSON.parse(h.params ?? '{}') as Params,
    point: JSON.parse(h.point ?? '[]') as Point,
    reports,
    attempt: Number(h.attempt ?? 0),
    createdAt: Number(h.createdAt),
  };
  if (h.value !== undefined) trial.value = Number(h.value);
  if (h.pruneReason) trial.pruneReason = JSON.parse(h.pruneReason) as PruneReason;
  if (h.error) trial.error = h.error;
  if (h.workerId) trial.workerId = h.workerId;
  if (h.backend) trial.backend = h.backend;
  if (h.startedAt) trial.startedAt = Number(h.startedAt);
  if (h.finishedAt) trial.finishedAt = Number(h.finishedAt);
  if (h.lastStep) trial.lastStep = Number(h.lastStep);
  return trial;
}

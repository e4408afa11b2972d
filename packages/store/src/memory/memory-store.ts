/**
 * The store in memory, for unit tests, the simulator and benchmarks: the same contract as the
 * Redis store (store.ts), proven by the same conformance suite. Single-threaded JavaScript makes
 * every method atomic; reads return copies, so callers cannot change the records behind its back.
 */
import {
  interpolateQuantile,
  type Params,
  type PeerSummary,
  type Point,
  type PruneReason,
  quantileRanks,
  rankFor,
} from '@rung/search';
import {
  type Attempt,
  canTransition,
  canTransitionSweep,
  type Goal,
  isActive,
  type Report,
  type SpecWarning,
  SWEEP_TRANSITIONS,
  type SweepChanges,
  type SweepEvent,
  type SweepEventBody,
  type SweepSpec,
  type SweepState,
  type SweepView,
  sweepCompute,
  type TokenRecord,
  TRIAL_STATES,
  type Trial,
  type TrialCheckpoint,
  type TrialState,
} from '@rung/shared';
import { trialId } from '../keys.js';
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

export interface MemoryStoreOptions {
  /** Entries each sweep's event log keeps. @defaultValue 20000 */
  eventLogCap?: number;
}

interface AttemptEntry {
  workerId: string;
  startedAt: number;
  /** The last lines of its output, and how many it ever wrote. */
  logs: LogLine[];
  logCount: number;
  endedBy?: Attempt['endedBy'];
  endedAt?: number;
  error?: string;
  reports: Map<number, Report>;
}

interface TrialEntry {
  number: number;
  state: TrialState;
  params: Params;
  point: Point;
  createdAt: number;
  attempt: number;
  workerId?: string;
  jobId?: string;
  startedAt?: number;
  readyAt?: number;
  finishedAt?: number;
  value?: number;
  lastStep?: number;
  pruneReason?: PruneReason;
  pauseReason?: PruneReason;
  /** Set once the trial has reported a step (the sweep's compute counts it). */
  ran?: boolean;
  error?: string;
  backend?: string;
  gpus?: number[];
  gpuSeconds?: number;
  peakGpuMemoryMiB?: number;
  retries?: number;
  checkpoint?: TrialCheckpoint;
  attempts: Map<number, AttemptEntry>;
}

interface LoggedEvent {
  /** The position in the global order of this store's entries (ids are `${n}-0`). */
  n: number;
  event: SweepEvent;
}

interface SweepEntry {
  id: string;
  state: SweepState;
  spec: SweepSpec;
  sampler: string;
  warnings: SpecWarning[];
  createdAt: number;
  stopReason?: string;
  finishedAt?: number;
  nextTrial: number;
  eventSeq: number;
  fence: number;
  counts: Record<TrialState, number>;
  /** Steps run, trials that reported, and the furthest step reported (the sweep's compute). */
  work: { stepsRun: number; trialsRun: number; lastStep: number };
  /** GPU time of the sweep's ended attempts. */
  gpuSeconds: number;
  active: Set<number>;
  trials: Map<number, TrialEntry>;
  /** Trial number → final value of completed trials. */
  leaderboard: Map<number, number>;
  /** Step → ascending losses that completed trials reported there. */
  stepPeers: Map<number, number[]>;
  /** Rung name → trial number → the value it recorded there. */
  rungs: Map<string, Map<number, number>>;
  events: LoggedEvent[];
}

export class MemoryStore implements Store {
  private readonly sweeps = new Map<string, SweepEntry>();
  private readonly index: { n: number; sweepId: string }[] = [];
  private readonly workers = new Map<string, { info: WorkerInfo; expiresAt: number }>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly cap: number;
  private entries = 0;
  private waiters: (() => void)[] = [];

  constructor(options: MemoryStoreOptions = {}) {
    this.cap = options.eventLogCap ?? 20_000;
    if (!Number.isInteger(this.cap) || this.cap < 1) {
      throw new Error(`eventLogCap must be a positive integer, got ${this.cap}`);
    }
  }

  // ---- sweeps ----

  async createSweep(sweep: NewSweep): Promise<void> {
    if (this.sweeps.has(sweep.id)) throw new Error(`sweep ${sweep.id} exists already`);
    const record: SweepEntry = {
      id: sweep.id,
      state: 'running',
      spec: structuredClone(sweep.spec),
      sampler: sweep.sampler,
      warnings: structuredClone(sweep.warnings),
      createdAt: sweep.now,
      nextTrial: 0,
      eventSeq: 0,
      fence: 0,
      counts: zeroCounts(),
      work: { stepsRun: 0, trialsRun: 0, lastStep: 0 },
      gpuSeconds: 0,
      active: new Set(),
      trials: new Map(),
      leaderboard: new Map(),
      stepPeers: new Map(),
      rungs: new Map(),
      events: [],
    };
    this.sweeps.set(sweep.id, record);
    this.log(record, sweep.now, { type: 'sweep.created' });
    this.index.push({ n: ++this.entries, sweepId: sweep.id });
    this.wake();
  }

  async getSweep(id: string): Promise<SweepView | undefined> {
    const s = this.sweeps.get(id);
    if (!s) return undefined;
    const view: SweepView = {
      id,
      state: s.state,
      spec: structuredClone(s.spec),
      sampler: s.sampler,
      warnings: structuredClone(s.warnings),
      counts: { ...s.counts },
      trials: s.nextTrial,
      compute: sweepCompute(s.work.stepsRun, s.work.trialsRun, s.work.lastStep),
      gpuSeconds: s.gpuSeconds,
      createdAt: s.createdAt,
    };
    if (s.spec.name) view.name = s.spec.name;
    if (s.stopReason !== undefined) view.stopReason = s.stopReason;
    if (s.finishedAt !== undefined) view.finishedAt = s.finishedAt;
    const [top] = await this.leaderboard(id, s.spec.metric.goal, 1);
    if (top?.value !== undefined) {
      view.best = { trialId: top.id, number: top.number, value: top.value, params: top.params };
    }
    return view;
  }

  async listSweepIds(page: { after?: string; limit?: number } = {}): Promise<string[]> {
    const ids = [...this.sweeps.values()]
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
      .map((s) => s.id);
    const from = page.after === undefined ? 0 : ids.indexOf(page.after) + 1;
    return ids.slice(from, page.limit === undefined ? undefined : from + page.limit);
  }

  async liveSweepIds(): Promise<string[]> {
    return [...this.sweeps.values()]
      .filter((s) => SWEEP_TRANSITIONS[s.state].length > 0)
      .map((s) => s.id);
  }

  async sweepStatus(id: string): Promise<SweepStatus | undefined> {
    const s = this.sweeps.get(id);
    return (
      s && {
        state: s.state,
        counts: { ...s.counts },
        trials: s.nextTrial,
        gpuSeconds: s.gpuSeconds,
      }
    );
  }

  async transitionSweep(
    id: string,
    from: readonly SweepState[],
    to: SweepState,
    change: { now: number; stopReason?: string },
  ): Promise<boolean> {
    const s = this.sweeps.get(id);
    if (!s || !from.includes(s.state) || !canTransitionSweep(s.state, to)) return false;
    s.state = to;
    if (change.stopReason !== undefined) s.stopReason = change.stopReason;
    if (SWEEP_TRANSITIONS[to].length === 0) s.finishedAt = change.now;
    const { type, data } = sweepEventFor(to, change.stopReason);
    this.log(s, change.now, { type, ...data } as SweepEventBody);
    return true;
  }

  async updateSweepSpec(
    id: string,
    change: { previous: SweepSpec; next: SweepSpec; changes: SweepChanges; now: number },
  ): Promise<'updated' | 'not_live' | 'changed'> {
    const s = this.sweeps.get(id);
    if (!s || (s.state !== 'running' && s.state !== 'paused')) return 'not_live';
    if (JSON.stringify(s.spec) !== JSON.stringify(change.previous)) return 'changed';
    s.spec = structuredClone(change.next);
    this.log(s, change.now, { type: 'sweep.updated', changes: structuredClone(change.changes) });
    return 'updated';
  }

  // ---- trials ----

  async createTrial(sweepId: string, trial: NewTrial): Promise<CreateTrialResult> {
    const s = this.sweeps.get(sweepId);
    if (s?.state !== 'running') return 'not_running';
    if (trial.fence < s.fence) return 'fenced';
    s.fence = trial.fence;
    if (trial.number !== s.nextTrial) return 'taken';
    const record: TrialEntry = {
      number: trial.number,
      state: 'queued',
      params: structuredClone(trial.params),
      point: [...trial.point],
      createdAt: trial.now,
      attempt: 0,
      attempts: new Map(),
    };
    s.trials.set(trial.number, record);
    s.nextTrial += 1;
    this.move(s, record, undefined, 'queued');
    this.log(s, trial.now, {
      type: 'trial.created',
      number: trial.number,
      params: structuredClone(trial.params),
      point: [...trial.point],
    });
    return 'created';
  }

  async startTrial(sweepId: string, number: number, start: TrialStart): Promise<StartTrialResult> {
    const { workerId, jobId, now } = start;
    const s = this.sweeps.get(sweepId);
    const t = s?.trials.get(number);
    if (!s || !t) return { ok: false, state: 'missing' };
    if (!canTransition(t.state, 'running')) return { ok: false, state: t.state };
    if (t.state === 'running' && t.jobId !== jobId) return { ok: false, state: 'stale' };
    if (t.state === 'queued' && s.state === 'paused') return { ok: false, state: 'held' };
    const previous = t.state;
    t.attempt += 1;
    if (previous === 'running') {
      const old = t.attempts.get(t.attempt - 1);
      if (old) Object.assign(old, { endedBy: 'superseded', endedAt: now });
      t.retries = (t.retries ?? 0) + 1;
    }
    t.attempts.set(t.attempt, {
      workerId,
      startedAt: now,
      reports: new Map(),
      logs: [],
      logCount: 0,
    });
    t.workerId = workerId;
    t.jobId = jobId;
    t.startedAt = now;
    delete t.lastStep;
    delete t.backend;
    delete t.readyAt;
    if (start.gpus) t.gpus = [...start.gpus];
    else delete t.gpus;
    this.move(s, t, previous, 'running');
    this.log(s, now, { type: 'trial.started', number, attempt: t.attempt, workerId });
    return {
      ok: true,
      attempt: t.attempt,
      ...(t.checkpoint && { checkpoint: { ...t.checkpoint } }),
    };
  }

  async setTrialBackend(
    sweepId: string,
    number: number,
    attempt: number,
    backend: string,
    now: number,
  ): Promise<boolean> {
    const t = this.sweeps.get(sweepId)?.trials.get(number);
    if (t?.state !== 'running' || t.attempt !== attempt) return false;
    t.backend = backend;
    t.readyAt = now;
    return true;
  }

  async recordCheckpoint(
    sweepId: string,
    number: number,
    attempt: number,
    checkpoint: NewCheckpoint,
  ): Promise<boolean> {
    const t = this.sweeps.get(sweepId)?.trials.get(number);
    if (t?.state !== 'running' || t.attempt !== attempt) return false;
    const { path, step, now } = checkpoint;
    t.checkpoint = { path, step, attempt, at: now };
    return true;
  }

  async resumeFromCheckpoint(
    sweepId: string,
    number: number,
    attempt: number,
    checkpoint: TrialCheckpoint,
  ): Promise<Report[] | undefined> {
    const t = this.sweeps.get(sweepId)?.trials.get(number);
    if (t?.state !== 'running' || t.attempt !== attempt) return undefined;
    if (!t.checkpoint || !sameCheckpoint(t.checkpoint, checkpoint)) return undefined;
    const from = t.attempts.get(checkpoint.attempt)?.reports ?? new Map<number, Report>();
    const to = t.attempts.get(attempt)!.reports;
    for (const [step, report] of from) {
      if (step > checkpoint.step) continue;
      to.set(step, structuredClone(report));
      if (t.lastStep === undefined || step > t.lastStep) t.lastStep = step;
    }
    t.checkpoint = { ...checkpoint, attempt };
    return sortedReports(to);
  }

  async report(
    sweepId: string,
    number: number,
    attempt: number,
    report: Report,
    options: ReportOptions,
  ): Promise<ReportOutcome> {
    const s = this.sweeps.get(sweepId);
    const t = s?.trials.get(number);
    if (!s || !t) return { state: 'missing' };
    if (t.state !== 'running') return { state: t.state };
    if (t.attempt !== attempt) return { state: 'superseded' };
    const reports = t.attempts.get(attempt)!.reports;
    if (!reports.has(report.step)) {
      reports.set(report.step, structuredClone(report));
      if (t.lastStep === undefined || report.step > t.lastStep) t.lastStep = report.step;
      s.work.stepsRun += 1;
      if (!t.ran) s.work.trialsRun += 1;
      t.ran = true;
      s.work.lastStep = Math.max(s.work.lastStep, report.step);
      this.log(s, report.at, {
        type: 'trial.reported',
        number,
        attempt,
        step: report.step,
        metrics: { ...report.metrics },
      });
    }
    const completedTrials = s.counts.completed;
    const { query } = options;
    if (!query) return { state: 'running', completedTrials };
    let sorted = s.stepPeers.get(report.step) ?? [];
    if (query.rung) {
      const rung = s.rungs.get(query.rung.name) ?? new Map<number, number>();
      s.rungs.set(query.rung.name, rung);
      if (query.rung.record !== undefined) rung.set(number, query.rung.record);
      sorted = [...rung.values()].sort((a, b) => a - b);
    }
    const peers: PeerSummary = {
      count: sorted.length,
      better: query.rankOf === undefined ? 0 : countBelow(sorted, query.rankOf),
      quantiles: query.quantiles.map((q) => {
        if (sorted.length === 0) return Number.NaN;
        const { lo, hi, fraction } = quantileRanks(sorted.length, q);
        return interpolateQuantile(sorted[lo]!, sorted[hi]!, fraction);
      }),
      ...(query.ranks && {
        atRanks: query.ranks.map((r) =>
          sorted.length === 0 ? Number.NaN : sorted[rankFor(sorted.length, r) - 1]!,
        ),
      }),
    };
    return { state: 'running', completedTrials, peers };
  }

  async rungStandings(
    sweepId: string,
    asks: readonly { name: string; value: number }[],
  ): Promise<{ count: number; better: number }[]> {
    const s = this.sweeps.get(sweepId);
    return asks.map(({ name, value }) => {
      const values = [...(s?.rungs.get(name)?.values() ?? [])];
      return { count: values.length, better: values.filter((v) => v < value).length };
    });
  }

  async rungValueAt(sweepId: string, name: string, rank: number): Promise<number | undefined> {
    if (!Number.isInteger(rank) || rank < 1) return undefined;
    const values = [...(this.sweeps.get(sweepId)?.rungs.get(name)?.values() ?? [])];
    return values.sort((a, b) => a - b)[rank - 1];
  }

  async finishTrial(
    sweepId: string,
    number: number,
    attempt: number,
    outcome: TrialOutcome,
  ): Promise<boolean> {
    const s = this.sweeps.get(sweepId);
    const t = s?.trials.get(number);
    if (!s || !t || t.state !== 'running' || t.attempt !== attempt) return false;
    if (!canTransition(t.state, outcome.state)) return false;
    const value =
      outcome.value !== undefined && Number.isFinite(outcome.value) ? outcome.value : undefined;
    t.finishedAt = outcome.now;
    if (value !== undefined) t.value = value;
    if (outcome.pruneReason) t.pruneReason = structuredClone(outcome.pruneReason);
    if (outcome.error) t.error = outcome.error;
    if (outcome.usage) addUsage(s, t, outcome.usage);
    Object.assign(t.attempts.get(attempt)!, { endedBy: outcome.state, endedAt: outcome.now });
    if (outcome.state === 'completed') {
      if (value !== undefined) s.leaderboard.set(number, value);
      for (const { step, loss } of outcome.curve ?? []) {
        if (!Number.isFinite(loss)) continue;
        const peers = s.stepPeers.get(step) ?? [];
        peers.splice(countBelow(peers, loss), 0, loss);
        s.stepPeers.set(step, peers);
      }
    }
    this.move(s, t, 'running', outcome.state);
    const body: SweepEventBody = { type: 'trial.finished', number, attempt, state: outcome.state };
    if (value !== undefined) body.value = value;
    if (t.lastStep !== undefined) body.step = t.lastStep;
    if (outcome.pruneReason) body.pruneReason = structuredClone(outcome.pruneReason);
    if (outcome.error) body.error = outcome.error;
    this.log(s, outcome.now, body);
    return true;
  }

  async pauseTrial(
    sweepId: string,
    number: number,
    attempt: number,
    now: number,
    reason?: PruneReason,
    usage?: AttemptUsage,
  ): Promise<boolean> {
    const s = this.sweeps.get(sweepId);
    const t = s?.trials.get(number);
    if (!s || !t || t.state !== 'running' || t.attempt !== attempt) return false;
    if (!canTransition(t.state, 'paused')) return false;
    Object.assign(t.attempts.get(attempt)!, { endedBy: 'paused', endedAt: now });
    if (reason) t.pauseReason = structuredClone(reason);
    if (usage) addUsage(s, t, usage);
    this.move(s, t, 'running', 'paused');
    this.log(s, now, {
      type: 'trial.paused',
      number,
      attempt,
      ...(reason && { reason: structuredClone(reason) }),
    });
    return true;
  }

  async retryTrial(
    sweepId: string,
    number: number,
    attempt: number,
    reason: string,
    now: number,
  ): Promise<boolean> {
    const s = this.sweeps.get(sweepId);
    const t = s?.trials.get(number);
    if (!s || !t || t.state !== 'running' || t.attempt !== attempt) return false;
    if (!canTransition(t.state, 'queued')) return false;
    Object.assign(t.attempts.get(attempt)!, { endedBy: 'lost', endedAt: now, error: reason });
    t.retries = (t.retries ?? 0) + 1;
    this.move(s, t, 'running', 'queued');
    this.log(s, now, { type: 'trial.retried', number, attempt, retries: t.retries, reason });
    return true;
  }

  async resumeTrial(
    sweepId: string,
    number: number,
    now: number,
    reason?: PruneReason,
  ): Promise<boolean> {
    const s = this.sweeps.get(sweepId);
    const t = s?.trials.get(number);
    if (!s || !t || t.state !== 'paused' || s.state !== 'running') return false;
    if (!canTransition(t.state, 'queued')) return false;
    this.move(s, t, 'paused', 'queued');
    this.log(s, now, {
      type: 'trial.resumed',
      number,
      attempt: t.attempt,
      ...(reason && { reason: structuredClone(reason) }),
    });
    return true;
  }

  async endTrial(
    sweepId: string,
    number: number,
    to: 'cancelled' | 'failed' | 'pruned',
    reason: string,
    now: number,
  ): Promise<boolean> {
    const s = this.sweeps.get(sweepId);
    const t = s?.trials.get(number);
    if (!s || !t || !isActive(t.state) || !canTransition(t.state, to)) return false;
    t.error = reason;
    t.finishedAt = now;
    if (t.state === 'running') {
      Object.assign(t.attempts.get(t.attempt)!, { endedBy: to, endedAt: now });
    }
    this.move(s, t, t.state, to);
    const body: SweepEventBody = { type: 'trial.finished', number, attempt: 0, state: to };
    body.error = reason;
    if (t.lastStep !== undefined) body.step = t.lastStep;
    this.log(s, now, body);
    return true;
  }

  async cancelActiveTrials(sweepId: string, reason: string, now: number): Promise<number[]> {
    const s = this.sweeps.get(sweepId);
    if (!s) return [];
    const ended: number[] = [];
    for (const n of [...s.active].sort((a, b) => a - b)) {
      if (await this.endTrial(sweepId, n, 'cancelled', reason, now)) ended.push(n);
    }
    return ended;
  }

  async getTrial(
    sweepId: string,
    number: number,
    options: { attempts?: boolean } = {},
  ): Promise<Trial | undefined> {
    const t = this.sweeps.get(sweepId)?.trials.get(number);
    if (!t) return undefined;
    const view = toTrial(sweepId, t, true);
    if (options.attempts) {
      view.attempts = [...t.attempts.entries()]
        .sort(([a], [b]) => a - b)
        .map(([attempt, a]) => {
          const out: Attempt = {
            attempt,
            workerId: a.workerId,
            startedAt: a.startedAt,
            reports: sortedReports(a.reports),
          };
          if (a.endedBy !== undefined) out.endedBy = a.endedBy;
          if (a.endedAt !== undefined) out.endedAt = a.endedAt;
          if (a.error !== undefined) out.error = a.error;
          return out;
        });
    }
    return view;
  }

  async listTrials(sweepId: string, page: TrialPage = {}): Promise<Trial[]> {
    const s = this.sweeps.get(sweepId);
    if (!s) return [];
    const from = Math.max(0, (page.after ?? -1) + 1);
    const to = page.limit === undefined ? s.nextTrial : Math.min(s.nextTrial, from + page.limit);
    const out: Trial[] = [];
    for (let n = from; n < to; n++) {
      const t = s.trials.get(n);
      if (t) out.push(toTrial(sweepId, t, page.reports ?? false));
    }
    return out;
  }

  async activeTrials(sweepId: string, options: { reports?: boolean } = {}): Promise<Trial[]> {
    const s = this.sweeps.get(sweepId);
    if (!s) return [];
    return [...s.active]
      .sort((a, b) => a - b)
      .map((n) => toTrial(sweepId, s.trials.get(n)!, options.reports ?? false));
  }

  async leaderboard(sweepId: string, goal: Goal, limit: number): Promise<Trial[]> {
    const s = this.sweeps.get(sweepId);
    if (!s) return [];
    // Redis orders equal scores by member (as strings); do the same.
    const ranked = [...s.leaderboard.entries()].sort(
      ([na, va], [nb, vb]) => va - vb || String(na).localeCompare(String(nb)),
    );
    if (goal === 'maximize') ranked.reverse();
    return ranked.slice(0, limit).map(([n]) => toTrial(sweepId, s.trials.get(n)!, false));
  }

  // ---- trial output ----

  async appendLogs(
    sweepId: string,
    number: number,
    attempt: number,
    lines: LogLine[],
  ): Promise<void> {
    const a = this.sweeps.get(sweepId)?.trials.get(number)?.attempts.get(attempt);
    if (!a) return;
    a.logs.push(...lines.map((l) => cutLine(structuredClone(l))));
    if (a.logs.length > LOG_LINES_KEPT) a.logs.splice(0, a.logs.length - LOG_LINES_KEPT);
    a.logCount += lines.length;
  }

  async readLogs(
    sweepId: string,
    number: number,
    options: { attempt?: number; after?: number; limit?: number } = {},
  ): Promise<TrialLogs> {
    const t = this.sweeps.get(sweepId)?.trials.get(number);
    const attempt = options.attempt ?? t?.attempt ?? 0;
    const a = t?.attempts.get(attempt);
    return pageOfLogs(attempt, a ? structuredClone(a.logs) : [], a?.logCount ?? 0, options);
  }

  // ---- the event log ----

  async readEvents(sweepId: string, after: string, limit: number): Promise<SweepEvent[]> {
    const s = this.sweeps.get(sweepId);
    if (!s) return [];
    const from = entryNumber(after);
    // Entries are in `n` order: find the first one past `after` by bisection, so that reading on
    // from the end costs O(log n) — the simulator reads after every trial.
    let lo = 0;
    let hi = s.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s.events[mid]!.n > from) hi = mid;
      else lo = mid + 1;
    }
    return s.events.slice(lo, lo + limit).map((e) => structuredClone(e.event));
  }

  async lastEventId(sweepId?: string): Promise<string> {
    if (sweepId === undefined) {
      const last = this.index.at(-1);
      return last ? `${last.n}-0` : '0-0';
    }
    const last = this.sweeps.get(sweepId)?.events.at(-1);
    return last ? last.event.id : '0-0';
  }

  async follow(positions: LogPositions, blockMs: number): Promise<FollowedLogs> {
    let found = this.collect(positions);
    if (found.events.length === 0 && found.createdSweeps.length === 0 && blockMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, blockMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.push(done);
      });
      found = this.collect(positions);
    }
    return found;
  }

  private collect(positions: LogPositions): FollowedLogs {
    const next = { index: positions.index, sweeps: { ...positions.sweeps } };
    const from = entryNumber(positions.index);
    const createdSweeps = this.index.filter((e) => e.n > from).map((e) => e.sweepId);
    const last = this.index.at(-1);
    if (createdSweeps.length > 0 && last) next.index = `${last.n}-0`;
    const events: SweepEvent[] = [];
    for (const [sweepId, position] of Object.entries(positions.sweeps)) {
      const newer = (this.sweeps.get(sweepId)?.events ?? []).filter(
        (e) => e.n > entryNumber(position),
      );
      for (const e of newer) events.push(structuredClone(e.event));
      if (newer.length > 0) next.sweeps[sweepId] = newer.at(-1)!.event.id;
    }
    return { events, createdSweeps, positions: next };
  }

  // ---- workers ----

  async heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void> {
    this.workers.set(info.workerId, { info: structuredClone(info), expiresAt: info.at + ttlMs });
  }

  async removeWorker(workerId: string): Promise<void> {
    this.workers.delete(workerId);
  }

  async liveWorkers(now: number): Promise<WorkerInfo[]> {
    for (const [id, w] of this.workers) if (w.expiresAt < now) this.workers.delete(id);
    return [...this.workers.values()]
      .map((w) => structuredClone(w.info))
      .sort((a, b) => a.workerId.localeCompare(b.workerId));
  }

  async putToken(hash: string, record: TokenRecord): Promise<void> {
    this.tokens.set(hash, structuredClone(record));
  }

  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const record = this.tokens.get(hash);
    return record && structuredClone(record);
  }

  async listTokens(): Promise<TokenRecord[]> {
    return [...this.tokens.values()]
      .map((t) => structuredClone(t))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async revokeToken(id: string): Promise<boolean> {
    for (const [hash, record] of this.tokens) {
      if (record.id === id) return this.tokens.delete(hash);
    }
    return false;
  }

  // ---- internals ----

  /** Sets a trial's state, keeping the counts and the active set in step. */
  private move(s: SweepEntry, t: TrialEntry, from: TrialState | undefined, to: TrialState): void {
    t.state = to;
    if (from !== to) {
      if (from) s.counts[from] -= 1;
      s.counts[to] += 1;
    }
    if (isActive(to)) s.active.add(t.number);
    else s.active.delete(t.number);
  }

  private log(s: SweepEntry, at: number, body: SweepEventBody): void {
    s.eventSeq += 1;
    const n = ++this.entries;
    s.events.push({ n, event: { ...body, id: `${n}-0`, seq: s.eventSeq, at, sweepId: s.id } });
    if (s.events.length > this.cap) s.events.splice(0, s.events.length - this.cap);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** An attempt's GPU usage joins its trial's and its sweep's. */
function addUsage(s: SweepEntry, t: TrialEntry, usage: AttemptUsage): void {
  t.gpuSeconds = (t.gpuSeconds ?? 0) + usage.gpuSeconds;
  s.gpuSeconds += usage.gpuSeconds;
  const peak = usage.peakGpuMemoryMiB;
  if (peak !== undefined && peak > (t.peakGpuMemoryMiB ?? 0)) t.peakGpuMemoryMiB = peak;
}

function zeroCounts(): Record<TrialState, number> {
  return Object.fromEntries(TRIAL_STATES.map((s) => [s, 0])) as Record<TrialState, number>;
}

/** How many of the ascending `sorted` are strictly below `value` (binary search). */
function countBelow(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first part of a stream id (`12-0` → 12). */
function entryNumber(id: string): number {
  return Number(id.split('-')[0]);
}

function sortedReports(reports: Map<number, Report>): Report[] {
  return [...reports.values()].sort((a, b) => a.step - b.step).map((r) => structuredClone(r));
}

function toTrial(sweepId: string, t: TrialEntry, withReports: boolean): Trial {
  const view: Trial = {
    id: trialId(sweepId, t.number),
    sweepId,
    number: t.number,
    state: t.state,
    params: structuredClone(t.params),
    point: [...t.point],
    reports: withReports ? sortedReports(t.attempts.get(t.attempt)?.reports ?? new Map()) : [],
    attempt: t.attempt,
    createdAt: t.createdAt,
  };
  if (t.value !== undefined) view.value = t.value;
  if (t.lastStep !== undefined) view.lastStep = t.lastStep;
  if (t.pruneReason) view.pruneReason = structuredClone(t.pruneReason);
  if (t.pauseReason) view.pauseReason = structuredClone(t.pauseReason);
  if (t.error !== undefined) view.error = t.error;
  if (t.workerId !== undefined) view.workerId = t.workerId;
  if (t.jobId !== undefined) view.jobId = t.jobId;
  if (t.backend !== undefined) view.backend = t.backend;
  if (t.gpus !== undefined) view.gpus = [...t.gpus];
  if (t.gpuSeconds !== undefined) view.gpuSeconds = t.gpuSeconds;
  if (t.peakGpuMemoryMiB !== undefined) view.peakGpuMemoryMiB = t.peakGpuMemoryMiB;
  if (t.retries !== undefined) view.retries = t.retries;
  if (t.startedAt !== undefined) view.startedAt = t.startedAt;
  if (t.readyAt !== undefined) view.readyAt = t.readyAt;
  if (t.finishedAt !== undefined) view.finishedAt = t.finishedAt;
  if (t.checkpoint !== undefined) view.checkpoint = { ...t.checkpoint };
  return view;
}

/** The same checkpoint: its attempt saved it at that step (only that attempt writes one). */
function sameCheckpoint(a: TrialCheckpoint, b: TrialCheckpoint): boolean {
  return a.step === b.step && a.attempt === b.attempt;
}

/**
 * The store: every record of sweeps, trials, early-stopping data, workers and events, behind one
 * interface with two implementations — Redis (`RedisStore`, the real one) and in-memory
 * (`MemoryStore`, for unit tests, the simulator and benchmarks). Both pass one conformance suite
 * (test/store-conformance.ts), which is the executable form of this contract.
 *
 * ## The contract
 *
 * **Atomicity.** Every method that changes state is one atomic step: the state change, the
 * per-state counts, the sweep's set of active trials, the leaderboard and step peers (on
 * completion) and the event appended to the sweep's log happen together or not at all. A method
 * retried after an error (a timeout whose write did land) is refused or changes nothing the
 * second time: `createTrial` allocates numbers by compare-and-set, transitions check the current
 * state, reports are keyed by step.
 *
 * **Transitions.** A trial moves only along `TRIAL_TRANSITIONS` (`@rung/shared`), a sweep along
 * `SWEEP_TRANSITIONS`; anything else is refused, never half-done.
 *
 * **Who owns a running trial.** The worker that started its current attempt. `startTrial` hands out
 * a new attempt number each time (a redelivered job gets the next one), and every write a worker
 * makes — reports, its backend, pausing or finishing — names its attempt and is refused once a newer
 * attempt exists or the trial left `running`. Each attempt keeps its own reports: a new attempt
 * starts a clean series, and earlier ones stay readable apart. The scheduler and the API end
 * trials from outside (`endTrial`: cancelled, or failed when their job is gone) whatever the attempt.
 *
 * **Trial numbers.** `createTrial` succeeds only for the sweep's next number while the sweep is
 * running, and only for a caller whose fencing token is not older than one already seen by that
 * sweep: two schedulers can never create the same number, and a deposed leader cannot create any.
 *
 * **What may be stale.** A read (`getSweep`, `listTrials`, `leaderboard`, `liveWorkers`) is a
 * snapshot at some moment during the call; a sweep view's counts and its best trial come from two
 * reads and may straddle a change. The event log is capped: an entry older than the cap is gone,
 * and a reader that sees a jump in `seq` must re-read the records. Worker entries vanish once
 * their heartbeat is older than their time-to-live.
 */
import type { Params, PeerQuery, PeerSummary, Point, PruneReason, StepValue } from '@rung/search';
import type {
  Goal,
  Report,
  ResourceSpec,
  SpecWarning,
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

/** A new sweep, validated and with its sampler chosen. */
export interface NewSweep {
  id: string;
  spec: SweepSpec;
  sampler: string;
  warnings: SpecWarning[];
  now: number;
}

/** The few fields that say whether a sweep has room for another trial: one cheap read. */
export interface SweepStatus {
  state: SweepState;
  counts: Record<TrialState, number>;
  /** Trials created so far (= the next trial's number). */
  trials: number;
  /** GPU time the sweep's ended attempts held (what a `budget` is checked against). */
  gpuSeconds: number;
}

export interface NewTrial {
  number: number;
  params: Params;
  point: Point;
  now: number;
  /** The scheduler's fencing token (see {@link Store.createTrial}). */
  fence: number;
}

export type CreateTrialResult = 'created' | 'taken' | 'not_running' | 'fenced';

/** Who starts a trial, from which job, when. */
export interface TrialStart {
  workerId: string;
  /** The queue job that carries this run (the scheduler watches it for loss). */
  jobId: string;
  now: number;
  /** The GPUs it runs on (indices on its worker), when it has any. */
  gpus?: number[];
}

export type StartTrialResult =
  | {
      ok: true;
      attempt: number;
      /** The checkpoint an earlier attempt saved: the new one may resume from it. */
      checkpoint?: TrialCheckpoint;
    }
  /**
   * `held`: the trial is queued but its sweep is paused, so it may not start now. `stale`: the
   * trial runs under another job (this one was a lost worker's, redelivered late).
   */
  | { ok: false; state: TrialState | 'missing' | 'held' | 'stale' };

/** A checkpoint a running attempt's trainer announces. */
export interface NewCheckpoint {
  path: string;
  step: number;
  now: number;
}

/** What a report needs besides the report: where the metric is, and what the pruning rule asks. */
export interface ReportOptions {
  metric: { name: string; goal: Goal };
  /** The rule's question about its peers at the report's step; absent: ask nothing. */
  query?: PeerQuery;
}

/** What one report call answers. */
export type ReportOutcome =
  | {
      /** Stored: the trial is running under this attempt. */
      state: 'running';
      /** Trials of the sweep that completed so far (the rules' startup count). */
      completedTrials: number;
      /** The answer to the query, when one was asked. */
      peers?: PeerSummary;
    }
  | {
      /** Not stored: the trial left `running`, a newer attempt owns it, or it does not exist. */
      state: Exclude<TrialState, 'running'> | 'superseded' | 'missing';
    };

/** How a worker ends the attempt it runs. */
export interface TrialOutcome {
  state: 'completed' | 'pruned' | 'failed';
  /** The sweep metric's final value. */
  value?: number;
  pruneReason?: PruneReason;
  error?: string;
  now: number;
  /**
   * The trial's losses by step (the metric, oriented by the goal). On completion they join the
   * step peers that pruning rules compare against.
   */
  curve?: readonly StepValue[];
  /** What the attempt used of its GPUs: added to (GPU-seconds) or raising (peak) the trial's. */
  usage?: AttemptUsage;
}

/** What an attempt used of its GPUs. */
export interface AttemptUsage {
  gpuSeconds: number;
  peakGpuMemoryMiB?: number;
}

/** Which trials to list, in number order. */
export interface TrialPage {
  /** List trials numbered above this one. @defaultValue -1 (from the first) */
  after?: number;
  /** @defaultValue every trial */
  limit?: number;
  /** Include each trial's current reports (they are the bulk). @defaultValue false */
  reports?: boolean;
}

/** One line a trial's trainer wrote. */
export interface LogLine {
  /** Milliseconds since the epoch, when the worker read it. */
  at: number;
  /** `trainer` (its own log calls, or a command trainer's program output), `stdout`, `stderr`. */
  stream: 'trainer' | 'stdout' | 'stderr';
  text: string;
}

/** A page of a trial's output. */
export interface TrialLogs {
  /** The attempt these lines are from. */
  attempt: number;
  /** Lines after the cursor asked for, oldest first. */
  lines: LogLine[];
  /** The cursor to read on from: the number of lines the attempt has written so far. */
  next: number;
  /** Lines between the cursor asked for and the first one given that the cap dropped. */
  dropped: number;
}

/** A trainer as a worker announces it: a command trainer with the program it runs. */
export interface TrainerInfo {
  name: string;
  /** The program and command it runs, as its registration wrote them (command trainers). */
  program?: string;
  command?: string[];
  /** What its trials need, when its registration says: sweeps that do not say get these. */
  resources?: ResourceSpec;
}

/** A worker as it announces itself with each heartbeat. */
export interface WorkerInfo {
  workerId: string;
  /** Trial slots (one per GPU, or CPU slots). */
  slots: number;
  /** Slots running a trial now. */
  busy: number;
  trainers: TrainerInfo[];
  /** Its GPUs, with the share of each that no trial holds now (1 = idle). */
  gpus: { index: number; name: string; memoryMiB: number; free: number }[];
  host: string;
  startedAt: number;
  /** The last heartbeat. */
  at: number;
}

/** Where a reader stands in the logs it follows (stream entry ids; '0-0' = from the start). */
export interface LogPositions {
  /** The sweep index log (new sweeps). */
  index: string;
  /** Each followed sweep's event log. */
  sweeps: Readonly<Record<string, string>>;
}

/** What {@link Store.follow} brings back. */
export interface FollowedLogs {
  /** New entries of the followed sweeps' logs, each log in order. */
  events: SweepEvent[];
  /** Sweeps announced in the index log since `positions.index`. */
  createdSweeps: string[];
  /** Where to read on from. */
  positions: LogPositions;
}

export interface Store {
  // ---- sweeps ----

  /** Stores a new running sweep, adds it to the index and the live set, and logs `sweep.created`. */
  createSweep(sweep: NewSweep): Promise<void>;
  getSweep(id: string): Promise<SweepView | undefined>;
  /** Sweep ids, oldest first, after the id `after` (exclusive). */
  listSweepIds(page?: { after?: string; limit?: number }): Promise<string[]>;
  /** Ids of the running and paused sweeps. */
  liveSweepIds(): Promise<string[]>;
  sweepStatus(id: string): Promise<SweepStatus | undefined>;
  /**
   * Moves a sweep from one of `from` to `to` along `SWEEP_TRANSITIONS`, logs `sweep.<change>`, and
   * drops it from the live set when it ends. False when it was in another state.
   */
  transitionSweep(
    id: string,
    from: readonly SweepState[],
    to: SweepState,
    change: { now: number; stopReason?: string },
  ): Promise<boolean>;
  /**
   * Replaces a running or paused sweep's spec with `next` if it is still `previous` (so two
   * concurrent changes cannot undo each other), and logs `sweep.updated` with `changes`.
   */
  updateSweepSpec(
    id: string,
    change: { previous: SweepSpec; next: SweepSpec; changes: SweepChanges; now: number },
  ): Promise<'updated' | 'not_live' | 'changed'>;

  // ---- trials ----

  /** Creates the sweep's next trial, queued (see the contract on numbers and fencing). */
  createTrial(sweepId: string, trial: NewTrial): Promise<CreateTrialResult>;
  /** A worker takes a queued trial, or a running one whose job was redelivered: a new attempt. */
  startTrial(sweepId: string, number: number, start: TrialStart): Promise<StartTrialResult>;
  /**
   * Records that an attempt's trainer is loaded and training (`readyAt`), and the runtime it runs
   * on (tfjs backend, `none`, …). False when the attempt is not the trial's running one.
   */
  setTrialBackend(
    sweepId: string,
    number: number,
    attempt: number,
    backend: string,
    now: number,
  ): Promise<boolean>;
  /**
   * Stores one report of a running attempt (a step sent twice is stored once), logs
   * `trial.reported`, and answers the pruning rule's query at that step: one round trip.
   */
  report(
    sweepId: string,
    number: number,
    attempt: number,
    report: Report,
    options: ReportOptions,
  ): Promise<ReportOutcome>;
  /**
   * Records the checkpoint a running attempt's trainer saved (replacing the trial's last one).
   * False when the attempt is not the trial's running one.
   */
  recordCheckpoint(
    sweepId: string,
    number: number,
    attempt: number,
    checkpoint: NewCheckpoint,
  ): Promise<boolean>;
  /**
   * A new attempt resumes from `checkpoint` (what `startTrial` gave it): the reports of the
   * checkpoint's attempt up to its step become the first of this attempt's, so the trial's series
   * goes on where the checkpoint left it, and the checkpoint now belongs to this attempt. Returns
   * those reports, or undefined when refused (not the running attempt, or the checkpoint changed).
   */
  resumeFromCheckpoint(
    sweepId: string,
    number: number,
    attempt: number,
    checkpoint: TrialCheckpoint,
  ): Promise<Report[] | undefined>;
  /** Ends a running attempt: completed (leaderboard, step peers), pruned or failed. */
  finishTrial(
    sweepId: string,
    number: number,
    attempt: number,
    outcome: TrialOutcome,
  ): Promise<boolean>;
  /**
   * Pauses a running attempt at a rung (early stopping with promotion), saying why; what it used
   * of its GPUs counts as a finished attempt's does.
   */
  pauseTrial(
    sweepId: string,
    number: number,
    attempt: number,
    now: number,
    reason?: PruneReason,
    usage?: AttemptUsage,
  ): Promise<boolean>;
  /**
   * Where values stand in rungs' records (successive halving; the values trials recorded through
   * `report`'s rung queries): for each ask, the rung's size and how many of its values are
   * strictly better (lower) than the given one. One round trip, O(log n) a rung.
   */
  rungStandings(
    sweepId: string,
    asks: readonly { name: string; value: number }[],
  ): Promise<{ count: number; better: number }[]>;
  /** The value at a 1-based rank of a rung's record; undefined past its end. */
  rungValueAt(sweepId: string, name: string, rank: number): Promise<number | undefined>;
  /**
   * Queues a running trial again because its attempt was lost (its worker stopped heartbeating):
   * the attempt ends `lost` with `reason`, `retries` grows, `trial.retried` is logged. False when
   * the trial is not running under that attempt.
   */
  retryTrial(
    sweepId: string,
    number: number,
    attempt: number,
    reason: string,
    now: number,
  ): Promise<boolean>;
  /** Queues a paused trial again (promotion, with its reason); its next start is a new attempt. */
  resumeTrial(sweepId: string, number: number, now: number, reason?: PruneReason): Promise<boolean>;
  /**
   * Ends an active trial from outside its run, whatever its attempt: `cancelled` (the sweep
   * stopped), `failed` (its job was lost, or failed for good) or `pruned` (a paused trial that
   * will never be promoted). `reason` is kept as the trial's error.
   */
  endTrial(
    sweepId: string,
    number: number,
    to: 'cancelled' | 'failed' | 'pruned',
    reason: string,
    now: number,
  ): Promise<boolean>;
  /** Cancels every active trial of a sweep; returns the numbers it cancelled. */
  cancelActiveTrials(sweepId: string, reason: string, now: number): Promise<number[]>;
  getTrial(
    sweepId: string,
    number: number,
    options?: { attempts?: boolean },
  ): Promise<Trial | undefined>;
  listTrials(sweepId: string, page?: TrialPage): Promise<Trial[]>;
  /** The queued, running and paused trials of a sweep (with their current reports when asked). */
  activeTrials(sweepId: string, options?: { reports?: boolean }): Promise<Trial[]>;
  /** Completed trials, best first under `goal`. */
  leaderboard(sweepId: string, goal: Goal, limit: number): Promise<Trial[]>;

  // ---- trial output ----

  /**
   * Appends lines of an attempt's output, keeping its last `LOG_LINES_KEPT` lines (each cut to
   * `LOG_LINE_CHARS`). Not fenced: a superseded attempt writes only into its own.
   */
  appendLogs(sweepId: string, number: number, attempt: number, lines: LogLine[]): Promise<void>;
  /**
   * An attempt's output after line `after` (a cursor: lines written before it; 0 = from the
   * start), `attempt` defaulting to the trial's current one.
   */
  readLogs(
    sweepId: string,
    number: number,
    options?: { attempt?: number; after?: number; limit?: number },
  ): Promise<TrialLogs>;

  // ---- the event log ----

  /** Entries of a sweep's log after `after` (exclusive; '0-0' = from the oldest kept). */
  readEvents(sweepId: string, after: string, limit: number): Promise<SweepEvent[]>;
  /** The id of the newest entry of a sweep's log, or of the index log when `sweepId` is absent. */
  lastEventId(sweepId?: string): Promise<string>;
  /**
   * Waits up to `blockMs` for anything new in the followed logs and returns it (an empty answer
   * after the wait). One call, however many sweeps are followed.
   */
  follow(positions: LogPositions, blockMs: number): Promise<FollowedLogs>;

  // ---- workers ----

  /** Announces a worker (its slots, GPUs and trainers) until `ttlMs` passes without another. */
  heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void>;
  /** Removes a worker's entry (a clean shutdown). */
  removeWorker(workerId: string): Promise<void>;
  /** Workers whose last heartbeat is within its time-to-live, by id. */
  liveWorkers(now: number): Promise<WorkerInfo[]>;

  // ---- API tokens (kept by their hash, see @rung/shared auth) ----

  /** Stores a token under its hash. */
  putToken(hash: string, record: TokenRecord): Promise<void>;
  /** The token stored under a hash, if any. */
  tokenByHash(hash: string): Promise<TokenRecord | undefined>;
  /** Every token, oldest first. */
  listTokens(): Promise<TokenRecord[]>;
  /** Deletes the token of that id; false when there was none. */
  revokeToken(id: string): Promise<boolean>;
}

/** The output lines each attempt keeps: older ones are dropped. */
export const LOG_LINES_KEPT = 1000;
/** Characters kept of one output line. */
export const LOG_LINE_CHARS = 2000;

/** The trainers that live workers announce, one entry a name (the first worker's), by name. */
export async function registeredTrainers(store: Store, now: number): Promise<TrainerInfo[]> {
  const byName = new Map<string, TrainerInfo>();
  for (const w of await store.liveWorkers(now)) {
    for (const t of w.trainers) if (!byName.has(t.name)) byName.set(t.name, t);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

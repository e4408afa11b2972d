/**
 * Redis key layout. Every key of one sweep carries the hash tag `{sweepId}`, so each Lua script,
 * which touches the keys of one sweep only, stays on one slot under Redis Cluster.
 */
export interface Keys {
  /** ZSET of every sweep id, scored by creation time. */
  sweeps: string;
  /** SET of the ids of running and paused sweeps: what the scheduler looks after. */
  liveSweeps: string;
  /** STREAM announcing new sweeps (`sweepId`), so a scheduler replica learns of them at once. */
  sweepIndexLog: string;
  /** The scheduler leader's lease (holder id) and its fencing-token counter. */
  leader: string;
  leaderFence: string;
  /** ZSET of worker ids scored by their last heartbeat; each worker's entry is `worker(id)`. */
  workers: string;
  worker(workerId: string): string;
  /** HASH token hash (hex SHA-256) → token record JSON: the API's tokens. */
  tokens: string;
  /** HASH: id, state, spec, sampler, warnings, createdAt, nextTrial, eventSeq, fence, … */
  sweep(sweepId: string): string;
  /** HASH trial state → number of trials in it. */
  counts(sweepId: string): string;
  /** SET of the numbers of trials that are queued, running or paused. */
  active(sweepId: string): string;
  /** HASH of one trial's current fields (state, params, attempt, value, …). */
  trial(sweepId: string, n: number): string;
  /** HASH `${attempt}:${field}` → value: who ran each attempt, when, and how it ended. */
  attempts(sweepId: string, n: number): string;
  /** HASH step → report JSON, for one attempt of one trial. */
  reports(sweepId: string, n: number, attempt: number): string;
  /** LIST of one attempt's last output lines (JSON), and the count of lines it ever wrote. */
  logs(sweepId: string, n: number, attempt: number): string;
  logCount(sweepId: string, n: number, attempt: number): string;
  /** ZSET trial number → final value of completed trials. */
  leaderboard(sweepId: string): string;
  /** ZSET trial number → the loss a completed trial reported at `step`: what pruning rules compare. */
  stepPeers(sweepId: string, step: number): string;
  /** ZSET trial number → the value it recorded at a rung (successive halving), by rung name. */
  rung(sweepId: string, name: string): string;
  /** STREAM: the sweep's event log. */
  events(sweepId: string): string;
}

export function createKeys(prefix = 'rung:'): Keys {
  const tag = (sweepId: string) => `${prefix}{${sweepId}}:`;
  return {
    sweeps: `${prefix}sweeps`,
    liveSweeps: `${prefix}sweeps:live`,
    sweepIndexLog: `${prefix}sweeps:log`,
    leader: `${prefix}leader`,
    leaderFence: `${prefix}leader:fence`,
    workers: `${prefix}workers`,
    worker: (id) => `${prefix}worker:${id}`,
    tokens: `${prefix}tokens`,
    sweep: (s) => `${tag(s)}sweep`,
    counts: (s) => `${tag(s)}counts`,
    active: (s) => `${tag(s)}active`,
    trial: (s, n) => `${tag(s)}trial:${n}`,
    attempts: (s, n) => `${tag(s)}trial:${n}:attempts`,
    reports: (s, n, a) => `${tag(s)}trial:${n}:reports:${a}`,
    logs: (s, n, a) => `${tag(s)}trial:${n}:logs:${a}`,
    logCount: (s, n, a) => `${tag(s)}trial:${n}:logs:${a}:count`,
    leaderboard: (s) => `${tag(s)}leaderboard`,
    stepPeers: (s, step) => `${tag(s)}peers:${step}`,
    rung: (s, name) => `${tag(s)}rung:${name}`,
    events: (s) => `${tag(s)}events`,
  };
}

/** Trial ids are `${sweepId}-${number}`. */
export function trialId(sweepId: string, n: number): string {
  return `${sweepId}-${n}`;
}

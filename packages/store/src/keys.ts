/**
 * Redis key layout. Every key of one sweep carries the hash tag `{sweepId}`, so a Lua script that
 * touches several of them stays on one slot under Redis Cluster.
 */
export interface Keys {
  /** ZSET of sweep ids scored by creation time. */
  sweeps: string;
  /** Pub/sub channel of state-change notifications (notifications only; Redis hashes are the truth). */
  events: string;
  /** The scheduler leader's lease. */
  leader: string;
  /** HASH trainer name → last worker that registered it (JSON { workerId, at }). */
  trainers: string;
  sweep(sweepId: string): string;
  counts(sweepId: string): string;
  trial(sweepId: string, n: number): string;
  reports(sweepId: string, n: number): string;
  leaderboard(sweepId: string): string;
  /** Prefix of the per-step rung sets: `${rungPrefix}${step}`. */
  rungPrefix(sweepId: string): string;
}

export function createKeys(prefix = 'rung:'): Keys {
  const tag = (sweepId: string) => `${prefix}{${sweepId}}:`;
  return {
    sweeps: `${prefix}sweeps`,
    events: `${prefix}events`,
    leader: `${prefix}leader`,
    trainers: `${prefix}trainers`,
    sweep: (s) => `${tag(s)}sweep`,
    counts: (s) => `${tag(s)}counts`,
    trial: (s, n) => `${tag(s)}trial:${n}`,
    reports: (s, n) => `${tag(s)}trial:${n}:reports`,
    leaderboard: (s) => `${tag(s)}leaderboard`,
    rungPrefix: (s) => `${tag(s)}rung:`,
  };
}

/** `sw-abc-7` → trial 7 of sweep `sw-abc`. Trial ids are `${sweepId}-${number}`. */
export function parseTrialId(trialId: string): { sweepId: string; number: number } {
  const cut = trialId.lastIndexOf('-');
  const number = Number(trialId.slice(cut + 1));
  if (cut <= 0 || !Number.isInteger(number) || number < 0) {
    throw new Error(`not a trial id: ${trialId}`);
  }
  return { sweepId: trialId.slice(0, cut), number };
}

export function trialId(sweepId: string, n: number): string {
  return `${sweepId}-${n}`;
}

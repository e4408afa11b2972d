/**
 * The trial and sweep state machines, written once. The store's Lua scripts take their guards from
 * these tables (generated, never copied by hand), the in-memory store checks the same tables, and
 * docs/ARCHITECTURE.md draws its diagram from them.
 *
 * ```
 * queued ──▶ running ──▶ completed | pruned | failed | cancelled
 *   ▲ ▲        │  ▲ └─┐ (a redelivered job starts a new attempt: running ──▶ running)
 *   │ └────────┤  │   │ (its worker lost: running ──▶ queued, retried as a new attempt)
 *   │          ▼  │   │
 *   └──────── paused  (early stopping pauses a trial at a rung; promotion queues it again)
 * ```
 */

/** Every state a trial can be in. */
export const TRIAL_STATES = [
  'queued',
  'running',
  'paused',
  'completed',
  'pruned',
  'failed',
  'cancelled',
] as const;

export type TrialState = (typeof TRIAL_STATES)[number];

/** The states a trial never leaves. */
export type FinishedTrialState = 'completed' | 'pruned' | 'failed' | 'cancelled';

/**
 * The allowed transitions, from → to. `running → running` is a new attempt: the job was
 * redelivered (handed back by a worker that stopped), and the new attempt fences the old one
 * off. `running → queued` is a retry: the trial's worker stopped heartbeating.
 */
export const TRIAL_TRANSITIONS: Readonly<Record<TrialState, readonly TrialState[]>> = {
  queued: ['running', 'failed', 'cancelled'],
  running: ['running', 'queued', 'paused', 'completed', 'pruned', 'failed', 'cancelled'],
  paused: ['queued', 'pruned', 'failed', 'cancelled'],
  completed: [],
  pruned: [],
  failed: [],
  cancelled: [],
};

/** Whether a trial may move from `from` to `to`. */
export function canTransition(from: TrialState, to: TrialState): boolean {
  return TRIAL_TRANSITIONS[from].includes(to);
}

/** Whether a trial in `state` holds a place in its sweep (queued, running or paused). */
export function isActive(state: TrialState): boolean {
  return TRIAL_TRANSITIONS[state].length > 0;
}

/** Every state a sweep can be in. */
export const SWEEP_STATES = ['running', 'paused', 'completed', 'cancelled'] as const;

export type SweepState = (typeof SWEEP_STATES)[number];

/** The allowed sweep transitions, from → to. A paused sweep starts no new trial until resumed. */
export const SWEEP_TRANSITIONS: Readonly<Record<SweepState, readonly SweepState[]>> = {
  running: ['paused', 'completed', 'cancelled'],
  paused: ['running', 'completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

/** Whether a sweep may move from `from` to `to`. */
export function canTransitionSweep(from: SweepState, to: SweepState): boolean {
  return SWEEP_TRANSITIONS[from].includes(to);
}

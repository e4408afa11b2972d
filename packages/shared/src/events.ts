/**
 * A sweep's event log: every change of a sweep or of one of its trials, in order. It lives in a
 * capped Redis Stream beside the records it describes and is appended in the same atomic script as
 * the change, so a reader that follows it sees every change once — but it is never the only record
 * of truth (the trial and sweep hashes are): an entry older than the cap is gone, and a reader
 * that finds a gap in `seq` reads the records instead.
 */
import type { Params, Point, PruneReason } from '@rung/search';
import type { FinishedTrialState, SweepState } from './lifecycle.js';
import type { SweepChanges } from './sweep-changes.js';

/** What happened, by type. `number` is the trial's number within its sweep. */
export type SweepEventBody =
  | { type: 'sweep.created' }
  | { type: 'sweep.paused' | 'sweep.resumed'; state: SweepState }
  /** The sweep's parallelism, run_cap, max_duration or target changed (`PATCH`). */
  | { type: 'sweep.updated'; changes: SweepChanges }
  | {
      type: 'sweep.completed' | 'sweep.cancelled';
      state: SweepState;
      /** Why the sweep stopped: `run_cap`, `grid_exhausted`, `max_duration`, `target_reached`, `cancelled`. */
      stopReason?: string;
    }
  | { type: 'trial.created'; number: number; params: Params; point: Point }
  | { type: 'trial.started'; number: number; attempt: number; workerId: string }
  | {
      type: 'trial.reported';
      number: number;
      attempt: number;
      step: number;
      metrics: Record<string, number>;
    }
  | {
      type: 'trial.paused';
      number: number;
      attempt: number;
      /** Why the rule paused it: its rung, rank and the value it was ranked by. */
      reason?: PruneReason;
    }
  | {
      type: 'trial.resumed';
      number: number;
      /** Attempts so far: the trial's next job is `trialJobId(trialId, attempt)`. */
      attempt: number;
      /** Why it was promoted: its rung, rank, the rung's size and cutoff. */
      reason?: PruneReason;
    }
  | {
      type: 'trial.retried';
      number: number;
      /** The attempt that was lost. */
      attempt: number;
      /** Infrastructure retries so far, this one included. */
      retries: number;
      reason: string;
    }
  | {
      type: 'trial.finished';
      number: number;
      /** The attempt that ended it; 0 when it was ended from outside any run (cancelled, abandoned). */
      attempt: number;
      state: FinishedTrialState;
      /** The sweep metric's final value, when there is one. */
      value?: number;
      /** The last step reported (a pruned trial's step). */
      step?: number;
      pruneReason?: PruneReason;
      error?: string;
    };

export type SweepEventType = SweepEventBody['type'];

/** One entry of the log. */
export type SweepEvent = SweepEventBody & {
  /** The stream entry id (`1733050000000-0`): pass it back as `after` to read on from here. */
  id: string;
  /** 1, 2, 3, … per sweep with no hole: a reader that sees a jump has missed entries. */
  seq: number;
  /** Milliseconds since the epoch, from the writer's clock. */
  at: number;
  sweepId: string;
};

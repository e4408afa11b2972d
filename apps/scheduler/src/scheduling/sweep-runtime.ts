/**
 * What the scheduler holds in memory for one live sweep: its spec, the points of its active
 * trials, the trials that finished since the sampler last heard, the best value so far, and where
 * it stands in the sweep's event log. Built once from the records (`rebuild`), then extended from
 * the log (`apply`) — never re-read whole. Pure: no I/O.
 */
import {
  addToSketch,
  buildSpace,
  type CurveSketch,
  emptySketch,
  type FinishedTrial,
  type Point,
  type Promoter,
  type PruneReason,
  type SearchSpace,
  sketchCurve,
} from '@rung/search';
import {
  applySweepChanges,
  createPruner,
  isBetter,
  type SweepEvent,
  type SweepSpec,
  type SweepView,
  type Trial,
  toLoss,
} from '@rung/shared';
import { runCapOf, samplerReads } from './sampler-choice.js';

export class SweepRuntime {
  readonly id: string;
  /** Changed in place by `sweep.updated` (parallelism, run_cap, max_duration, target). */
  spec: SweepSpec;
  readonly sampler: string;
  readonly space: SearchSpace;
  /** The most trials the sweep will create. */
  cap: number;
  /** The sweep's sampler never reads the history: finished trials are counted, not kept. */
  private readonly historyFree: boolean;
  readonly createdAt: number;
  /** The last log entry applied, and its seq (undefined: take the next entry as it comes). */
  position = '0-0';
  private seq: number | undefined;
  /** Points of queued, running and paused trials, by number. */
  readonly pending = new Map<number, Point>();
  /**
   * Running trials: the worker, attempt and start (on the worker's clock) of each, so that the
   * trials of a worker that is gone, or restarted since, are retried.
   */
  readonly running = new Map<number, { workerId: string; attempt: number; startedAt: number }>();
  /** Trials paused at a rung, waiting for a promotion (successive halving), with the rule's reason. */
  readonly pausedTrials = new Map<number, PruneReason | undefined>();
  /** The sweep's promotion rule, when its pruner pauses trials. */
  readonly promoter: Promoter | undefined;
  /**
   * The thinned learning curve of each active trial, from its reports, when the sampler models
   * the loss over configuration and step (GP-BO); undefined otherwise.
   */
  private readonly curves: Map<number, CurveSketch> | undefined;
  /** Finished trials the sampler has not been told of yet. */
  private unsent: FinishedTrial[] = [];
  /** True until the sampler has been given the whole history once (after a rebuild). */
  private resetPending = true;
  /** Trials known to have finished (a bit per trial number), so no record is counted twice. */
  private finished = new Uint8Array(64);
  /** Numbers below this were read from the records; their `trial.created` entries add nothing. */
  private known = 0;
  /** The best completed value so far, under the sweep's goal. */
  best: number | undefined;
  /** Queued trials whose job must be (re)enqueued: after a rebuild, or a promotion. */
  readonly toEnqueue = new Set<number>();
  /** Set when the log showed a hole: the runtime must be rebuilt from the records. */
  stale = false;
  /** Set when the sweep left running/paused in the log. */
  ended = false;
  /** Set when the sampler said the space is exhausted (a grid run through). */
  exhausted = false;
  /** Whether the sweep is paused (it creates nothing until resumed). */
  paused: boolean;
  /** Trials created so far, as far as the log has told. */
  created = 0;

  constructor(sweep: Pick<SweepView, 'id' | 'spec' | 'sampler' | 'createdAt' | 'state'>) {
    this.paused = sweep.state === 'paused';
    this.id = sweep.id;
    this.spec = sweep.spec;
    this.sampler = sweep.sampler;
    this.createdAt = sweep.createdAt;
    this.space = buildSpace(sweep.spec.parameters);
    this.cap = runCapOf(sweep.spec, this.space);
    const reads = samplerReads(sweep.sampler);
    this.historyFree = !reads.history;
    if (reads.curves) this.curves = new Map();
    this.promoter = createPruner({
      spec: sweep.spec.pruner,
      goal: sweep.spec.metric.goal,
      seed: sweep.spec.seed,
    })?.promoter;
  }

  /**
   * Starts over from the records: `position` is the log's last entry read *before* the trials,
   * so that every change after it is applied (once) from the log.
   */
  rebuild(trials: readonly Trial[], position: string, paused: boolean): void {
    this.paused = paused;
    this.pending.clear();
    this.running.clear();
    this.pausedTrials.clear();
    this.unsent = [];
    this.curves?.clear();
    this.resetPending = true;
    this.finished = new Uint8Array(64);
    this.best = undefined;
    this.toEnqueue.clear();
    this.stale = false;
    this.exhausted = false;
    this.position = position;
    this.seq = undefined;
    this.known = 0;
    this.created = 0;
    for (const t of trials) {
      this.known = Math.max(this.known, t.number + 1);
      this.created = this.known;
      if (t.state === 'queued' || t.state === 'running' || t.state === 'paused') {
        this.pending.set(t.number, t.point ?? []);
        if (t.state === 'queued') this.toEnqueue.add(t.number);
        if (t.state === 'running') {
          this.running.set(t.number, {
            workerId: t.workerId ?? '',
            attempt: t.attempt,
            startedAt: t.startedAt ?? 0,
          });
        }
        if (t.state === 'paused') {
          this.pausedTrials.set(t.number, t.pauseReason);
          this.tellPaused(t.number, t.pauseReason);
        }
      } else {
        this.markFinished(t.number, t.state, t.value, t.lastStep, t.point ?? []);
      }
    }
  }

  /** Applies one entry of the sweep's log. */
  apply(event: SweepEvent): void {
    // An entry seen twice (the loop's follow and a direct catch-up can overlap) changes nothing.
    if (this.seq !== undefined && event.seq <= this.seq) return;
    if (this.seq !== undefined && event.seq !== this.seq + 1) {
      // Entries were trimmed before we read them: the records are the only truth now.
      this.stale = true;
    }
    this.seq = event.seq;
    this.position = event.id;
    switch (event.type) {
      case 'trial.created':
        if (event.number >= this.known) this.pending.set(event.number, event.point);
        this.created = Math.max(this.created, event.number + 1);
        break;
      case 'trial.started':
        this.running.set(event.number, {
          workerId: event.workerId,
          attempt: event.attempt,
          startedAt: event.at,
        });
        break;
      case 'trial.retried':
        this.running.delete(event.number);
        this.toEnqueue.add(event.number);
        break;
      case 'sweep.paused':
      case 'sweep.resumed':
        this.paused = event.type === 'sweep.paused';
        break;
      case 'sweep.updated':
        this.spec = applySweepChanges(this.spec, event.changes);
        this.cap = runCapOf(this.spec, this.space);
        break;
      case 'trial.reported': {
        const value = event.metrics[this.spec.metric.name];
        if (!this.curves || value === undefined || !this.pending.has(event.number)) break;
        const sketch = this.curves.get(event.number) ?? emptySketch();
        this.curves.set(event.number, sketch);
        addToSketch(sketch, { step: event.step, loss: toLoss(value, this.spec.metric.goal) });
        break;
      }
      case 'trial.paused':
        this.running.delete(event.number);
        this.pausedTrials.set(event.number, event.reason);
        this.tellPaused(event.number, event.reason);
        break;
      case 'trial.resumed':
        this.pausedTrials.delete(event.number);
        this.toEnqueue.add(event.number);
        break;
      case 'trial.finished': {
        const point = this.pending.get(event.number);
        this.pending.delete(event.number);
        this.running.delete(event.number);
        this.pausedTrials.delete(event.number);
        this.toEnqueue.delete(event.number);
        if (point) this.markFinished(event.number, event.state, event.value, event.step, point);
        this.curves?.delete(event.number);
        break;
      }
      case 'sweep.completed':
      case 'sweep.cancelled':
        this.ended = true;
        break;
      default:
        break;
    }
  }

  /**
   * Paused at a rung, a trial tells the sampler as much as a pruned one would (multi-fidelity):
   * the step it paused at and the value its rung ranked it by, both in the rule's reason, and its
   * curve so far; if promoted, its final result later replaces this record.
   */
  private tellPaused(number: number, reason: PruneReason | undefined): void {
    const point = this.pending.get(number);
    if (!point || !reason || this.historyFree) return;
    const record: FinishedTrial = {
      number,
      state: 'pruned',
      point,
      step: reason.step,
      loss: reason.value,
      ...this.curveOf(number),
    };
    this.unsent.push(record);
  }

  /** The trial's thinned curve, as a FinishedTrial field, when one is kept. */
  private curveOf(number: number): Pick<FinishedTrial, 'curve'> {
    const sketch = this.curves?.get(number);
    return sketch ? { curve: sketchCurve(sketch) } : {};
  }

  private markFinished(
    number: number,
    state: Trial['state'],
    value: number | undefined,
    step: number | undefined,
    point: Point,
  ): void {
    if (this.isFinished(number)) return;
    this.setFinished(number);
    const goal = this.spec.metric.goal;
    // Samplers see cancelled trials as failed: they carry no information about the objective.
    const seen = state === 'completed' || state === 'pruned' ? state : 'failed';
    const record: { -readonly [K in keyof FinishedTrial]: FinishedTrial[K] } = {
      number,
      state: seen,
      point,
    };
    if (value !== undefined && seen !== 'failed') record.loss = toLoss(value, goal);
    if (seen !== 'failed' && step !== undefined) record.step = step;
    if (seen !== 'failed') Object.assign(record, this.curveOf(number));
    if (!this.historyFree) this.unsent.push(record);
    if (state === 'completed' && value !== undefined) {
      if (this.best === undefined || isBetter(value, this.best, goal)) this.best = value;
    }
  }

  private isFinished(n: number): boolean {
    return n < this.finished.length * 8 && (this.finished[n >> 3]! & (1 << (n & 7))) !== 0;
  }

  private setFinished(n: number): void {
    if (n >= this.finished.length * 8) {
      const grown = new Uint8Array(Math.max(this.finished.length * 2, (n >> 3) + 1));
      grown.set(this.finished);
      this.finished = grown;
    }
    this.finished[n >> 3]! |= 1 << (n & 7);
  }

  /** The finished trials to send with the next suggestion, and whether they replace the history. */
  takeUnsent(): { reset: boolean; finished: FinishedTrial[] } {
    const out = { reset: this.resetPending, finished: this.unsent };
    this.unsent = [];
    this.resetPending = false;
    return out;
  }

  /** Puts back what `takeUnsent` gave, when the suggestion could not be made. */
  restoreUnsent(taken: { reset: boolean; finished: FinishedTrial[] }): void {
    this.unsent = [...taken.finished, ...this.unsent];
    this.resetPending ||= taken.reset;
  }

  /** Points of the trials a suggestion must not pile onto: queued and running, not paused ones. */
  pendingPoints(): Point[] {
    const points: Point[] = [];
    for (const [number, point] of this.pending) {
      if (!this.pausedTrials.has(number)) points.push(point);
    }
    return points;
  }

  /** Slots the sweep can use now: none while paused, else up to its parallelism and what is left. */
  demand(): number {
    if (this.paused || this.exhausted) return 0;
    return Math.min(this.spec.parallelism, this.cap - this.created + this.pending.size);
  }

  /** Whether the sweep's metric target has been reached. */
  targetReached(): boolean {
    const { target, goal } = this.spec.metric;
    if (target === undefined || this.best === undefined) return false;
    return this.best === target || isBetter(this.best, target, goal);
  }

  /** Whether the sweep has run past its max_duration at `now`. */
  timedOut(now: number): boolean {
    const limit = this.spec.max_duration;
    return limit !== undefined && now - this.createdAt >= limit * 1000;
  }
}

/**
 * The active trials of a sweep, kept up to date from its event log: what the live terminal view
 * shows (each running trial's latest step and metric) without re-reading every trial. Pure.
 */
import type { SweepEvent, Trial } from '@rung/shared';

export class LiveTrials {
  private readonly trials = new Map<number, Trial>();
  /** Where the next read of the log starts. */
  position: string;

  /** Starts from the active trials as read, and the log's position read just before them. */
  constructor(active: readonly Trial[], position: string) {
    for (const t of active) this.trials.set(t.number, { ...t, reports: t.reports.slice(-1) });
    this.position = position;
  }

  apply(events: readonly SweepEvent[]): void {
    for (const e of events) {
      this.position = e.id;
      switch (e.type) {
        case 'trial.created':
          this.trials.set(e.number, {
            id: `${e.sweepId}-${e.number}`,
            sweepId: e.sweepId,
            number: e.number,
            state: 'queued',
            params: e.params,
            reports: [],
            attempt: 0,
            createdAt: e.at,
          });
          break;
        case 'trial.started':
          this.update(e.number, {
            state: 'running',
            attempt: e.attempt,
            workerId: e.workerId,
            reports: [],
          });
          break;
        case 'trial.reported':
          this.update(e.number, { reports: [{ step: e.step, metrics: e.metrics, at: e.at }] });
          break;
        case 'trial.paused':
          this.update(e.number, { state: 'paused' });
          break;
        case 'trial.resumed':
          this.update(e.number, { state: 'queued' });
          break;
        case 'trial.finished':
          this.trials.delete(e.number);
          break;
        default:
          break;
      }
    }
  }

  /** The active trials in number order. */
  list(): Trial[] {
    return [...this.trials.values()].sort((a, b) => a.number - b.number);
  }

  private update(number: number, change: Partial<Trial>): void {
    const t = this.trials.get(number);
    if (t) this.trials.set(number, { ...t, ...change });
  }
}

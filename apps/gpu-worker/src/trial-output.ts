/**
 * A trial's output on its way to the store: lines are gathered and written every `flushMs` in one
 * call, and once more when the trial ends, so that its end is never recorded before its output.
 * A failed write is reported and its lines dropped: output must never fail a trial.
 */
import type { LogLine } from '@rung/store';

export class TrialOutput {
  private pending: LogLine[] = [];
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly write: (lines: LogLine[]) => Promise<void>,
    private readonly onError: (err: unknown) => void,
    flushMs = 250,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  push(line: LogLine): void {
    this.pending.push(line);
  }

  /** Writes what has gathered (after any write in progress: lines keep their order). */
  flush(): Promise<void> {
    if (this.pending.length === 0) return this.writing;
    const lines = this.pending;
    this.pending = [];
    this.writing = this.writing.then(() => this.write(lines).catch(this.onError));
    return this.writing;
  }

  /** The last write; nothing is gathered after. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/**
 * Follows a sweep over the API until it is no longer running, showing live progress: redrawn in
 * place on a terminal, one line per change elsewhere.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SweepView } from '@rung/shared';
import { type ApiClient, ApiError } from './api-client.js';
import { LiveTrials } from './live-trials.js';
import { LiveFrame, type TextOut } from './render/live-frame.js';
import { progressKey, progressLine, progressLines } from './render/progress.js';

/** Options of {@link watchSweep}. */
export interface WatchOptions {
  client: ApiClient;
  sweepId: string;
  out: TextOut;
  /** Redraw in place (a terminal) or print a line per change (CI, pipes). */
  tty: boolean;
  /** Terminal width. @defaultValue 80 */
  columns?: () => number;
  /** Stops watching; {@link watchSweep} then resolves with `aborted: true`. */
  signal?: AbortSignal;
  /** Poll interval. @defaultValue 500 ms on a terminal (2 redraws a second), 1000 ms otherwise */
  intervalMs?: number;
  /** Consecutive failed polls tolerated (a scheduler restarting) before giving up. @defaultValue 20 */
  maxFailures?: number;
  /** When the sweep started, for the elapsed time. @defaultValue now */
  startedAt?: number;
  now?: () => number;
}

/** How watching ended. */
export interface WatchResult {
  /** The last sweep seen (undefined only when aborted before the first answer). */
  sweep: SweepView | undefined;
  /** True when the signal stopped the watch, false when the sweep stopped running. */
  aborted: boolean;
  /** Milliseconds from `startedAt` to the end. */
  elapsedMs: number;
}

/**
 * Polls `GET /v1/sweeps/:id` until the sweep's state is no longer `running`. On a terminal, which
 * shows the running trials, it reads the active trials once and then follows the sweep's event
 * log, so each poll costs the same however many trials the sweep has.
 * @throws the API's error when a poll fails with a 4xx, or after `maxFailures` failures in a row.
 */
export async function watchSweep(opts: WatchOptions): Promise<WatchResult> {
  const now = opts.now ?? Date.now;
  const startedAt = opts.startedAt ?? now();
  const interval = opts.intervalMs ?? (opts.tty ? 500 : 1000);
  const maxFailures = opts.maxFailures ?? 20;
  const frame = opts.tty ? new LiveFrame(opts.out, opts.columns ?? (() => 80)) : undefined;
  let last: SweepView | undefined;
  let lastKey = '';
  let failures = 0;
  let live: LiveTrials | undefined;
  const result = (aborted: boolean): WatchResult => {
    frame?.release();
    return { sweep: last, aborted, elapsedMs: last ? elapsedOf(last) : now() - startedAt };
  };
  // A finished sweep's duration comes from the server's two timestamps; a running one's from
  // this machine's clock since watching began (the two clocks may disagree).
  const elapsedOf = (sweep: SweepView): number =>
    Math.max(
      0,
      sweep.state !== 'running' && sweep.finishedAt !== undefined
        ? sweep.finishedAt - sweep.createdAt
        : now() - startedAt,
    );

  for (;;) {
    if (opts.signal?.aborted) return result(true);
    try {
      const sweep = await opts.client.getSweep(opts.sweepId, opts.signal);
      // Only a terminal shows the running trials; a log line needs just the counts.
      if (frame) live = await follow(opts, live);
      failures = 0;
      last = sweep;
      const elapsed = elapsedOf(sweep);
      if (frame) {
        frame.draw(progressLines(sweep, live?.list() ?? [], elapsed));
      } else {
        const key = progressKey(sweep);
        if (key !== lastKey) opts.out.write(`${progressLine(sweep, elapsed)}\n`);
        lastKey = key;
      }
      if (sweep.state !== 'running') return result(false);
    } catch (err) {
      if (opts.signal?.aborted) return result(true);
      // A 4xx (the sweep is gone) will not get better; a restarting scheduler will.
      if (err instanceof ApiError && err.status < 500) throw err;
      failures += 1;
      if (failures >= maxFailures) {
        frame?.release();
        throw err;
      }
    }
    try {
      await sleep(interval, undefined, { signal: opts.signal });
    } catch {
      return result(true);
    }
  }
}

/** The active trials, read once, then kept up to date from the event log. */
async function follow(opts: WatchOptions, live: LiveTrials | undefined): Promise<LiveTrials> {
  if (!live) {
    // The log's position first: whatever happens while the trials are read is applied after.
    const { next } = await opts.client.readEvents(opts.sweepId, '$', opts.signal);
    return new LiveTrials(await opts.client.activeTrials(opts.sweepId, opts.signal), next);
  }
  for (;;) {
    const { events } = await opts.client.readEvents(opts.sweepId, live.position, opts.signal);
    live.apply(events);
    if (events.length < 1000) return live;
  }
}

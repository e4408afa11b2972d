/**
 * Following a submitted sweep to its end (`submit --wait`, `run`): live progress, a summary line,
 * the leaderboard, and the exit code the outcome deserves.
 */
import type { SweepView } from '@rung/shared';
import type { ApiClient } from '../api-client.js';
import type { Io } from '../io.js';
import { summaryLine } from '../render/progress.js';
import { leaderboardTable } from '../render/sweep-views.js';
import { watchSweep } from '../watch-sweep.js';

/** How following a sweep ended. */
export type FollowOutcome =
  | { readonly kind: 'finished'; readonly sweep: SweepView; readonly code: 0 | 1 }
  | { readonly kind: 'aborted'; readonly sweep: SweepView | undefined };

/**
 * Shows progress until the sweep stops running (or `signal` aborts), then the summary and the
 * leaderboard. The code is 0 when the sweep completed with at least one completed trial, 1 when
 * it was cancelled or no trial completed (the first trial error is shown then).
 */
export async function followSweep(
  client: ApiClient,
  sweep: SweepView,
  io: Io,
  signal: AbortSignal | undefined,
  limit = 10,
): Promise<FollowOutcome> {
  const watched = await watchSweep({
    client,
    sweepId: sweep.id,
    out: io.out,
    tty: io.tty,
    columns: () => io.columns(),
    signal,
  });
  if (watched.aborted || !watched.sweep) return { kind: 'aborted', sweep: watched.sweep };
  const final = watched.sweep;
  io.out.write(`\n${summaryLine(final, watched.elapsedMs)}\n`);
  const board = await client.leaderboard(final.id, limit);
  io.out.write(`\n${leaderboardTable(board).join('\n')}\n`);

  if (final.state === 'cancelled') {
    io.err.write(`Sweep ${final.id} was cancelled.\n`);
    return { kind: 'finished', sweep: final, code: 1 };
  }
  if (final.counts.completed === 0) {
    const trials = await client.listTrials(final.id);
    const failed = trials.find((t) => t.state === 'failed' && t.error);
    io.err.write(
      `No trial completed.${failed ? ` Trial #${failed.number} failed with: ${failed.error}` : ''}\n` +
        `See every trial with: npx rung status ${final.id}\n`,
    );
    return { kind: 'finished', sweep: final, code: 1 };
  }
  return { kind: 'finished', sweep: final, code: 0 };
}

/** The lines after a successful submit: id, sampler, and what validation warned about. */
export function printSubmitted(sweep: SweepView, io: Io): void {
  const name = sweep.name ?? sweep.spec.name;
  const method = sweep.spec.method === sweep.sampler ? '' : ` (method ${sweep.spec.method})`;
  io.out.write(
    `Sweep ${sweep.id}${name ? ` (${name})` : ''} submitted: sampler ${sweep.sampler}${method}\n`,
  );
  for (const w of sweep.warnings) io.err.write(`warning: ${w.path}: ${w.message}\n`);
}

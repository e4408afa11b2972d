/**
 * Live progress of a sweep as pure functions of (sweep, trials, elapsed time): a few lines that a
 * terminal redraws in place, and one line for logs and CI, printed when something changed.
 */
import type { SweepView, Trial } from '@rung/shared';
import { formatDuration, formatNumber } from '@rung/shared/format';
import { formatParams } from './format.js';
import { finishedTrials } from './sweep-views.js';

// Narrow enough that the counts line fits 80 columns.
const BAR_WIDTH = 10;
/** Running trials listed by name in the terminal view; the rest are counted. */
const RUNNING_SHOWN = 4;

/** `12/50 trials` (finished of the cap) or `12 trials` without a cap. */
function trialsPart(sweep: SweepView): string {
  const finished = finishedTrials(sweep);
  const cap = sweep.spec.run_cap;
  return cap ? `${finished}/${cap} trials` : `${finished} trial${finished === 1 ? '' : 's'}`;
}

/** `8 done, 3 running, 1 pruned, 0 failed` (+ queued, paused and cancelled when there are any). */
function countsPart(sweep: SweepView, sep: string): string {
  const c = sweep.counts;
  const parts = [
    `${c.completed} done`,
    `${c.running} running`,
    `${c.pruned} pruned`,
    `${c.failed} failed`,
  ];
  if (c.queued > 0) parts.push(`${c.queued} queued`);
  if (c.paused > 0) parts.push(`${c.paused} paused`);
  if (c.cancelled > 0) parts.push(`${c.cancelled} cancelled`);
  return parts.join(sep);
}

/** Trials finished per minute, or `-` before there is a meaningful rate. */
export function trialsPerMinute(sweep: SweepView, elapsedMs: number): string {
  if (elapsedMs < 1000) return '-';
  return formatNumber(Number(((finishedTrials(sweep) * 60_000) / elapsedMs).toFixed(1)));
}

function bar(sweep: SweepView): string | undefined {
  const cap = sweep.spec.run_cap;
  if (!cap) return undefined;
  const filled = Math.min(BAR_WIDTH, Math.round((finishedTrials(sweep) / cap) * BAR_WIDTH));
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

/**
 * The terminal view (redrawn in place about twice a second):
 * ```
 * mnist-mlp (sw-1) · tpe · running · 1m 05s · 11.1 trials/min
 * [##........] 12/50 trials · 8 done · 3 running · 1 pruned · 0 failed
 * best val_loss 0.0412 (trial #7: lr=0.003 layers=2)
 * running #13 step 4 val_loss=0.52 · #14 step 2 val_loss=0.61
 * ```
 */
export function progressLines(
  sweep: SweepView,
  trials: readonly Trial[],
  elapsedMs: number,
): string[] {
  const name = sweep.name ?? sweep.spec.name;
  const metric = sweep.spec.metric.name;
  const lines = [
    `${name ? `${name} (${sweep.id})` : sweep.id} · ${sweep.sampler} · ${sweep.state} · ` +
      `${formatDuration(elapsedMs)} · ${trialsPerMinute(sweep, elapsedMs)} trials/min`,
    `${[bar(sweep), trialsPart(sweep)].filter(Boolean).join(' ')} · ${countsPart(sweep, ' · ')}`,
    sweep.best
      ? `best ${metric} ${formatNumber(sweep.best.value)} (trial #${sweep.best.number}: ${formatParams(sweep.best.params)})`
      : `best ${metric} - (no completed trial yet)`,
  ];
  const running = trials.filter((t) => t.state === 'running').sort((a, b) => a.number - b.number);
  if (running.length > 0) {
    const shown = running.slice(0, RUNNING_SHOWN).map((t) => {
      const last = t.reports.at(-1);
      if (!last) return `#${t.number} starting`;
      const value = last.metrics[metric];
      return `#${t.number} step ${last.step}${value === undefined ? '' : ` ${metric}=${formatNumber(value)}`}`;
    });
    const more = running.length > RUNNING_SHOWN ? ` · +${running.length - RUNNING_SHOWN} more` : '';
    lines.push(`running ${shown.join(' · ')}${more}`);
  }
  return lines;
}

/**
 * One line for a non-terminal output (CI, a pipe), e.g.
 * `[1m 05s] 12/50 trials: 8 done, 3 running, 1 pruned, 0 failed · best 0.0412 (#7)`.
 */
export function progressLine(sweep: SweepView, elapsedMs: number): string {
  const best = sweep.best
    ? ` · best ${formatNumber(sweep.best.value)} (#${sweep.best.number})`
    : '';
  return `[${formatDuration(elapsedMs)}] ${trialsPart(sweep)}: ${countsPart(sweep, ', ')}${best}`;
}

/**
 * What must change for a non-terminal output to get a new line: the counts, the best trial and
 * the state, but not the clock, so a quiet sweep prints nothing.
 */
export function progressKey(sweep: SweepView): string {
  const c = sweep.counts;
  return [
    sweep.state,
    c.queued,
    c.running,
    c.completed,
    c.pruned,
    c.failed,
    c.cancelled,
    sweep.best?.trialId ?? '',
    sweep.best?.value ?? '',
  ].join('|');
}

/** The closing line: `Sweep sw-1 completed (run_cap) after 3m 07s: 40 done, 8 pruned, 2 failed`. */
export function summaryLine(sweep: SweepView, elapsedMs: number): string {
  const c = sweep.counts;
  const parts = [`${c.completed} done`, `${c.pruned} pruned`, `${c.failed} failed`];
  if (c.cancelled > 0) parts.push(`${c.cancelled} cancelled`);
  const why = sweep.stopReason ? ` (${sweep.stopReason})` : '';
  return `Sweep ${sweep.id} ${sweep.state}${why} after ${formatDuration(elapsedMs)}: ${parts.join(', ')}`;
}

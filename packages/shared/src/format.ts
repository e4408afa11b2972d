/**
 * How values read to a person, the same in the CLI, the dashboard and the report: metric values,
 * durations, prune reasons. Pure and free of Node APIs (the dashboard bundles it:
 * `@rung/shared/format`).
 */
import type { Goal } from './sweep.js';
import type { Trial } from './trial.js';

/** A metric or parameter value with 4 significant digits (`0.003123`, `123.5`, `12`). */
export function formatNumber(value: number | undefined | null): string {
  if (value === undefined || value === null) return '-';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  // Tiny and huge values read better in exponent form than as a row of zeros.
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e7)) {
    return value.toExponential(3).replace(/\.?0+e/, 'e');
  }
  return String(Number(value.toPrecision(4)));
}

/** `45s`, `3m 07s`, `2h 05m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The prune reason as the pruner recorded it (values are losses: lower is better). */
export interface PruneReasonLike {
  rule: string;
  step: number;
  rung?: number;
  value: number;
  cutoff: number;
  population: number;
  rank?: number;
}

/**
 * Why a trial was pruned or paused, short: `median: 0.62 > 0.48 @ step 3 (n=5)`, or at a rung
 * `asha: 0.62 > 0.48 @ rung 4, rank 7 of 12`. The pruner records loss-oriented values (negated
 * for a maximized metric, see `toLoss`); they are turned back into the metric's own values so that
 * a maximized accuracy reads `0.61 < 0.72`.
 */
export function formatPruneReason(reason: PruneReasonLike, goal: Goal): string {
  const sign = goal === 'maximize' ? -1 : 1;
  const cmp = goal === 'maximize' ? '<' : '>';
  const value = formatNumber(sign * reason.value);
  const cutoff = formatNumber(sign * reason.cutoff);
  const where =
    reason.rung !== undefined && reason.rank !== undefined
      ? `rung ${reason.rung}, rank ${reason.rank} of ${reason.population}`
      : `step ${reason.step} (n=${reason.population})`;
  return `${reason.rule}: ${value} ${cmp} ${cutoff} @ ${where}`;
}

/** Why a trial was cut short: its prune reason, or — while it waits at a rung — its pause reason. */
export function formatCutReason(trial: Trial, goal: Goal): string | undefined {
  if (trial.pruneReason) return formatPruneReason(trial.pruneReason, goal);
  if (trial.state === 'paused' && trial.pauseReason) {
    return `paused: ${formatPruneReason(trial.pauseReason, goal)}`;
  }
  return undefined;
}

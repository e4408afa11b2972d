/**
 * What `rung status` and `rung leaderboard` print: pure functions from API views to lines, so
 * they can be checked against fixtures.
 */
import type { Goal, SweepView, Trial } from '@rung/shared';
import { formatCutReason, formatDuration, formatNumber } from '@rung/shared/format';
import type { Leaderboard } from '../api-client.js';
import { formatParams } from './format.js';
import { renderTable } from './table.js';

/** Trials that ended, whatever the way (the count that moves towards the run cap). */
export function finishedTrials(sweep: SweepView): number {
  const c = sweep.counts;
  return c.completed + c.pruned + c.failed + c.cancelled;
}

/** `12/50` (finished of the cap), or `12` when the sweep has no run cap. */
export function trialsOfCap(sweep: SweepView): string {
  const finished = finishedTrials(sweep);
  return sweep.spec.run_cap ? `${finished}/${sweep.spec.run_cap}` : String(finished);
}

/** The table of `rung status`: one line per sweep, newest first. */
export function sweepsTable(sweeps: readonly SweepView[]): string[] {
  if (sweeps.length === 0) return ['No sweeps yet. Submit one with: npx rung submit <sweep.yaml>'];
  const rows = [...sweeps]
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((s) => [
      s.id,
      s.name ?? s.spec.name ?? '-',
      s.state,
      s.sampler,
      trialsOfCap(s),
      String(s.counts.completed),
      String(s.counts.running),
      String(s.counts.pruned),
      String(s.counts.failed),
      s.best ? `${formatNumber(s.best.value)} (#${s.best.number})` : '-',
    ]);
  return renderTable(
    [
      { header: 'ID' },
      { header: 'NAME' },
      { header: 'STATE' },
      { header: 'SAMPLER' },
      { header: 'TRIALS', align: 'right' },
      { header: 'DONE', align: 'right' },
      { header: 'RUNNING', align: 'right' },
      { header: 'PRUNED', align: 'right' },
      { header: 'FAILED', align: 'right' },
      { header: 'BEST' },
    ],
    rows,
  );
}

/** The head of `rung status <id>`: the sweep's spec, counts, best trial and warnings. */
export function sweepDetails(sweep: SweepView, now: number): string[] {
  const { spec } = sweep;
  const name = sweep.name ?? spec.name;
  const lines: [string, string][] = [
    ['Sweep', name ? `${sweep.id} (${name})` : sweep.id],
    ['State', sweep.state + (sweep.stopReason ? ` (${sweep.stopReason})` : '')],
    [
      'Sampler',
      spec.method === sweep.sampler ? sweep.sampler : `${sweep.sampler} (method ${spec.method})`,
    ],
    [
      'Metric',
      `${spec.metric.name} (${spec.metric.goal})` +
        (spec.metric.target !== undefined ? `, target ${formatNumber(spec.metric.target)}` : ''),
    ],
    ['Pruner', describePruner(sweep)],
    ['Trainer', spec.trainer.name],
    [
      'Budget',
      [
        spec.run_cap ? `run_cap ${spec.run_cap}` : 'no run_cap',
        `parallelism ${spec.parallelism}`,
        spec.max_duration ? `max_duration ${spec.max_duration}s` : undefined,
        `seed ${spec.seed}`,
      ]
        .filter(Boolean)
        .join(', '),
    ],
    ['Trials', describeCounts(sweep)],
    ['Compute', describeCompute(sweep)],
    [
      'Best',
      sweep.best
        ? `${formatNumber(sweep.best.value)} (trial #${sweep.best.number}) ${formatParams(sweep.best.params)}`
        : '-',
    ],
    ['Created', `${formatTime(sweep.createdAt)} (${formatDuration(now - sweep.createdAt)} ago)`],
  ];
  if (sweep.finishedAt !== undefined) {
    lines.push([
      'Finished',
      `${formatTime(sweep.finishedAt)} (after ${formatDuration(sweep.finishedAt - sweep.createdAt)})`,
    ]);
  }
  const width = Math.max(...lines.map(([k]) => k.length));
  const out = lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  for (const w of sweep.warnings) out.push(`warning: ${w.path}: ${w.message}`);
  return out;
}

/** `8 completed, 3 running, 1 pruned` (states with no trial left out) of the trials created. */
export function describeCounts(sweep: SweepView): string {
  const parts = (
    ['completed', 'running', 'queued', 'paused', 'pruned', 'failed', 'cancelled'] as const
  )
    .filter((state) => sweep.counts[state] > 0)
    .map((state) => `${sweep.counts[state]} ${state}`);
  return `${sweep.trials} created${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** `1,240 of 5,000 steps run (75% saved by early stopping)`: what pruning and promotion saved. */
export function describeCompute(sweep: SweepView): string {
  const { stepsRun, stepsFull, saved } = sweep.compute;
  if (stepsFull === 0) return 'no step run yet';
  const n = (x: number) => x.toLocaleString('en-US');
  return `${n(stepsRun)} of ${n(stepsFull)} steps run (${Math.round(saved * 100)}% saved by early stopping)`;
}

/** The per-trial table of `rung status <id>`, by trial number. */
export function trialsTable(trials: readonly Trial[], sweep: SweepView): string[] {
  if (trials.length === 0) return ['No trials yet.'];
  const { name, goal } = sweep.spec.metric;
  const rows = [...trials]
    .sort((a, b) => a.number - b.number)
    .map((t) => {
      const last = t.reports.at(-1);
      // A running trial has no final value yet; its latest report says how it is going.
      const value = t.value ?? (t.state === 'running' ? last?.metrics[name] : undefined);
      return [
        String(t.number),
        t.state,
        formatNumber(value),
        last ? String(last.step) : '-',
        t.workerId ?? '-',
        t.backend ?? '-',
        trialNote(t, goal),
      ];
    });
  return renderTable(
    [
      { header: '#', align: 'right' },
      { header: 'STATE' },
      { header: 'VALUE', align: 'right' },
      { header: 'STEP', align: 'right' },
      { header: 'WORKER' },
      { header: 'BACKEND' },
      { header: 'NOTE' },
    ],
    rows,
  );
}

/** The leaderboard: a title line with the metric, then rank, trial, value, state, params. */
export function leaderboardTable(board: Leaderboard): string[] {
  const title = `Leaderboard: ${board.metric.name} (${board.metric.goal})`;
  if (board.trials.length === 0) return [title, 'No finished trials yet.'];
  return [
    title,
    ...renderTable(
      [
        { header: 'RANK', align: 'right' },
        { header: 'TRIAL', align: 'right' },
        { header: 'VALUE', align: 'right' },
        { header: 'STATE' },
        { header: 'PARAMS' },
      ],
      board.trials.map((t) => [
        String(t.rank),
        `#${t.number}`,
        formatNumber(t.value),
        t.state,
        formatParams(t.params),
      ]),
    ),
  ];
}

function trialNote(t: Trial, goal: Goal): string {
  const notes: string[] = [];
  const cut = formatCutReason(t, goal);
  if (cut) notes.push(cut);
  if (t.error) notes.push(firstLine(t.error));
  if (t.attempt > 1) notes.push(`attempt ${t.attempt}`);
  return notes.join('; ');
}

function describePruner(sweep: SweepView): string {
  const p = sweep.spec.pruner;
  if (p.type === 'none') return 'none';
  const rules = p.type === 'all' ? p.rules : [p];
  return rules
    .map(({ type, ...options }) => {
      const shown = Object.entries(options).map(([k, v]) => `${k} ${JSON.stringify(v)}`);
      return shown.length ? `${type} (${shown.join(', ')})` : type;
    })
    .join(' + ');
}

function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

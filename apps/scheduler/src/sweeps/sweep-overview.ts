/**
 * Builds a sweep's overview (see `SweepOverview` in @rung/shared) from its trials: the trials as
 * columns, which learning curves to send, and parameter importance. Pure; the route reads the
 * trials and the chosen trials' reports.
 */
import type { ParameterSpecs, ParamValue } from '@rung/search';
import {
  type Goal,
  isBetter,
  type OverviewCurve,
  type OverviewParameter,
  type OverviewTrials,
  type SweepOverview,
  type SweepView,
  type Trial,
} from '@rung/shared';
import { formatCutReason } from '@rung/shared/format';
import { paramImportance } from './param-importance.js';

/** Learning curves sent at most: enough to see the families, few enough to draw at once. */
export const CURVE_LIMIT = 300;

const ACTIVE = new Set(['running', 'paused', 'queued']);

/** The search space's axes, nested parameters dotted, constants left out. */
export function overviewParameters(specs: ParameterSpecs, prefix = ''): OverviewParameter[] {
  const out: OverviewParameter[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const key = prefix + name;
    if ('parameters' in spec) {
      out.push(...overviewParameters(spec.parameters, `${key}.`));
    } else if (spec.distribution === 'categorical') {
      out.push({ name: key, kind: 'category', categories: spec.values.map(labelOf) });
    } else if (spec.distribution !== 'constant') {
      out.push({
        name: key,
        kind: 'number',
        ...(spec.distribution.includes('log') && { log: true }),
      });
    }
  }
  return out;
}

/**
 * A number as charts need it: 6 significant digits, which halves the overview of a big sweep
 * (JSON parsing is most of a browser's wait for it).
 */
function drawn(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(6)) : value;
}

function labelOf(value: ParamValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A parameter's value in a trial's (nested) params, by its dotted name. */
function valueAt(params: Trial['params'], name: string): ParamValue | undefined {
  let at: unknown = params;
  for (const part of name.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at as ParamValue | undefined;
}

/** Why a trial stopped or paused early, in one line. */
export function reasonOf(trial: Trial, goal: Goal): string | undefined {
  return formatCutReason(trial, goal) ?? trial.error;
}

export function overviewTrials(
  trials: readonly Trial[],
  parameters: readonly OverviewParameter[],
  goal: Goal,
): OverviewTrials {
  const params: OverviewTrials['params'] = {};
  for (const p of parameters) {
    params[p.name] = trials.map((t) => {
      const v = valueAt(t.params, p.name);
      if (v === undefined || v === null) return null;
      return p.kind === 'number' && typeof v === 'number' ? drawn(v) : labelOf(v);
    });
  }
  return {
    number: trials.map((t) => t.number),
    state: trials.map((t) => t.state),
    value: trials.map((t) => t.value ?? null),
    lastStep: trials.map((t) => t.lastStep ?? null),
    params,
    reason: trials.map((t) => reasonOf(t, goal) ?? null),
  };
}

/** Whether a trial has a learning curve to draw (it reported, or ended with a value). */
function hasCurve(t: Trial): boolean {
  return (t.lastStep ?? 0) > 0 || t.value !== undefined;
}

/**
 * The trials whose curves to send, in number order: every active one, the best completed ones,
 * then an even spread over the rest (pruned ones included, so the cuts show), up to `limit`.
 */
export function chooseCurves(trials: readonly Trial[], goal: Goal, limit = CURVE_LIMIT): number[] {
  const reported = trials.filter(hasCurve);
  if (reported.length <= limit) return reported.map((t) => t.number);
  const chosen = new Set<number>();
  const take = (ts: readonly Trial[], n: number) => {
    for (const t of ts) {
      if (chosen.size >= limit || n <= 0) return;
      if (!chosen.has(t.number)) {
        chosen.add(t.number);
        n--;
      }
    }
  };
  take(
    reported.filter((t) => ACTIVE.has(t.state)),
    Math.floor(limit / 3),
  );
  const best = reported
    .filter((t) => t.state === 'completed' && t.value !== undefined)
    .sort((a, b) =>
      isBetter(a.value!, b.value!, goal) ? -1 : isBetter(b.value!, a.value!, goal) ? 1 : 0,
    );
  take(best, Math.floor(limit / 3));
  const rest = reported.filter((t) => !chosen.has(t.number));
  const room = limit - chosen.size;
  for (let i = 0; i < room && rest.length > 0; i++) {
    chosen.add(rest[Math.floor((i * rest.length) / room)]!.number);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** A trial's curve of the sweep metric (its current attempt's reports that carry it). */
export function overviewCurve(trial: Trial, metric: string, goal: Goal): OverviewCurve {
  const points = trial.reports.filter((r) => Number.isFinite(r.metrics[metric]));
  const reason = reasonOf(trial, goal);
  return {
    number: trial.number,
    state: trial.state,
    steps: points.map((r) => r.step),
    values: points.map((r) => drawn(r.metrics[metric]!)),
    ...(reason !== undefined && { reason }),
  };
}

export interface OverviewInput {
  sweep: SweepView;
  /** Every trial, in number order, reports not needed. */
  trials: readonly Trial[];
  /** The trials of `chooseCurves`, with their reports. */
  curveTrials: readonly Trial[];
  eventId: string;
  at: number;
}

export function buildOverview(input: OverviewInput): SweepOverview {
  const { sweep, trials } = input;
  const { name: metric, goal } = sweep.spec.metric;
  const parameters = overviewParameters(sweep.spec.parameters);
  const columns = overviewTrials(trials, parameters, goal);
  const completed = columns.state
    .map((_state, i) => i)
    .filter((i) => columns.state[i] === 'completed' && columns.value[i] !== null);
  const importance =
    completed.length < 3
      ? []
      : paramImportance({
          columns: Object.fromEntries(
            parameters.map((p) => [p.name, completed.map((i) => columns.params[p.name]![i]!)]),
          ),
          values: completed.map((i) => columns.value[i]!),
        });
  return {
    sweep,
    parameters,
    trials: columns,
    curves: {
      total: trials.filter(hasCurve).length,
      limit: CURVE_LIMIT,
      series: input.curveTrials.map((t) => overviewCurve(t, metric, goal)),
    },
    importance,
    eventId: input.eventId,
    at: input.at,
  };
}

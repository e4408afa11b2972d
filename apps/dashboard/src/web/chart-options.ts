/**
 * What each chart of a sweep draws, as ECharts options built from the sweep's overview. Pure (no
 * DOM), so the unit tests check what the charts are given.
 */
import type { OverviewParameter, SweepOverview, TrialState } from '@rung/shared';
import { formatNumber } from '@rung/shared/format';
import type { EChartsOption } from 'echarts';

export const STATE_COLORS: Record<TrialState, string> = {
  completed: '#2f6fed',
  pruned: '#d64545',
  running: '#12a150',
  paused: '#e08a00',
  queued: '#98a2b3',
  failed: '#8a2be2',
  cancelled: '#667085',
};

const better = (goal: string) => (a: number, b: number) => (goal === 'maximize' ? a > b : a < b);

/**
 * The best-so-far line in trial-number order, as a step line: a point where a completed trial
 * improved on the best, and one at the last trial (10,000 trials draw as a few dozen points).
 */
export function bestSoFar(o: SweepOverview): [number, number][] {
  const isBetter = better(o.sweep.spec.metric.goal);
  const line: [number, number][] = [];
  let best: number | undefined;
  o.trials.number.forEach((n, i) => {
    const v = o.trials.value[i];
    if (o.trials.state[i] !== 'completed' || v === null || v === undefined) return;
    if (best !== undefined && !isBetter(v, best)) return;
    best = v;
    line.push([n, best]);
  });
  const last = o.trials.number.at(-1);
  if (best !== undefined && last !== undefined && last > line.at(-1)![0]) line.push([last, best]);
  return line;
}

/** Optimization history: each trial's value by number (completed and pruned), and the best so far. */
export function historyOption(o: SweepOverview): EChartsOption {
  const byState = (state: TrialState) =>
    o.trials.number
      .map((n, i) => [n, o.trials.value[i]] as const)
      .filter(([, v], i) => o.trials.state[i] === state && v !== null && v !== undefined);
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 28, bottom: 36 },
    legend: { top: 0, right: 0 },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', name: 'trial', nameLocation: 'middle', nameGap: 24, min: 0 },
    yAxis: { type: 'value', name: o.sweep.spec.metric.name, scale: true },
    series: [
      ...(['completed', 'pruned'] as const).map((state) => ({
        name: state,
        type: 'scatter' as const,
        // Squares: a canvas draws 10,000 of them several times faster than circles (arcs).
        symbol: 'rect',
        symbolSize: 3,
        large: true,
        itemStyle: { color: STATE_COLORS[state], opacity: state === 'pruned' ? 0.5 : 0.8 },
        data: byState(state).map(([n, v]) => [n, v as number]),
      })),
      {
        name: 'best so far',
        type: 'line' as const,
        step: 'end' as const,
        showSymbol: false,
        lineStyle: { width: 2, color: '#101828' },
        data: bestSoFar(o),
      },
    ],
  };
}

/** Colours by the metric, blue for the best values whatever the goal, on the chart's right. */
function metricColors(goal: string, dimension: number, min: number, max: number) {
  const scale = ['#2f6fed', '#f0c419', '#d64545'];
  return {
    type: 'continuous' as const,
    dimension,
    min: Number.isFinite(min) ? min : 0,
    max: Number.isFinite(max) ? max : 1,
    inRange: { color: goal === 'minimize' ? scale : [...scale].reverse() },
    right: 0,
    top: 'middle',
    itemHeight: 120,
    precision: 4,
  };
}

function axisFor(p: OverviewParameter, dim: number) {
  if (p.kind === 'category') {
    return { dim, name: p.name, type: 'category' as const, data: p.categories ?? [] };
  }
  return { dim, name: p.name, type: p.log ? ('log' as const) : ('value' as const), scale: true };
}

/** Values a number axis can draw: a log axis cannot draw 0 or less. */
function drawable(p: OverviewParameter, v: number | string | null): number | string | null {
  if (v === null || p.kind === 'category') return v;
  return p.log && (v as number) <= 0 ? null : v;
}

/**
 * Parallel coordinates of the completed trials: one axis per parameter and one for the metric,
 * lines coloured by the metric. Drag along an axis to brush a range (ECharts' axis area select).
 */
export function parallelOption(o: SweepOverview): EChartsOption {
  const metric = o.sweep.spec.metric;
  const rows: (number | string | null)[][] = [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  o.trials.number.forEach((_n, i) => {
    const v = o.trials.value[i];
    if (o.trials.state[i] !== 'completed' || v === null || v === undefined) return;
    min = Math.min(min, v);
    max = Math.max(max, v);
    rows.push([...o.parameters.map((p) => drawable(p, o.trials.params[p.name]![i]!)), v]);
  });
  const valueDim = o.parameters.length;
  return {
    animation: false,
    parallel: { left: 60, right: 90, top: 36, bottom: 28 },
    parallelAxis: [
      ...o.parameters.map(axisFor),
      { dim: valueDim, name: metric.name, type: 'value', scale: true },
    ],
    visualMap: { ...metricColors(metric.goal, valueDim, min, max), calculable: true },
    series: [
      {
        type: 'parallel',
        lineStyle: { width: 1, opacity: rows.length > 2000 ? 0.15 : 0.45 },
        inactiveOpacity: 0.02,
        activeOpacity: 1,
        // Small chunks: a brushed axis redraws its first lines in the next frame, the rest after.
        progressive: 500,
        progressiveThreshold: 1000,
        smooth: false,
        data: rows,
      },
    ],
  };
}

/**
 * Learning curves: the sweep metric by step for the trials the overview carries curves of, one
 * line series per state (curves apart by a gap: one series draws hundreds of curves at the cost
 * of one), and a mark where a pruned, paused or failed trial was cut — hovering it says why.
 */
export function curvesOption(o: SweepOverview): EChartsOption {
  const states = [...new Set(o.curves.series.map((c) => c.state))];
  const lines = states.map((state) => {
    const data: ([number, number] | ['-', '-'])[] = [];
    for (const c of o.curves.series) {
      if (c.state !== state) continue;
      for (let i = 0; i < c.steps.length; i++) data.push([c.steps[i]!, c.values[i]!]);
      data.push(['-', '-']);
    }
    return {
      name: state,
      type: 'line' as const,
      showSymbol: false,
      silent: true,
      connectNulls: false,
      color: STATE_COLORS[state],
      lineStyle: { width: 1, opacity: state === 'completed' ? 0.6 : 0.45 },
      data,
    };
  });
  const cut = o.curves.series.filter(
    (c) =>
      c.steps.length > 0 && (c.state === 'pruned' || c.state === 'paused' || c.state === 'failed'),
  );
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 28, bottom: 36 },
    legend: { top: 0, right: 0 },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const { dataIndex } = p as { dataIndex: number };
        const c = cut[dataIndex]!;
        const head = `trial #${c.number} (${c.state}) step ${c.steps.at(-1)}: ${formatNumber(c.values.at(-1))}`;
        return c.reason ? `${head}<br/>${escapeHtml(c.reason)}` : head;
      },
    },
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 24, min: 0 },
    yAxis: { type: 'value', name: o.sweep.spec.metric.name, scale: true },
    series: [
      ...lines,
      {
        name: 'cut',
        type: 'scatter' as const,
        symbol: 'triangle',
        symbolSize: 7,
        itemStyle: { color: (p: { dataIndex: number }) => STATE_COLORS[cut[p.dataIndex]!.state] },
        data: cut.map((c) => [c.steps.at(-1)!, c.values.at(-1)!]),
      },
    ],
  };
}

/** Parameter importance, largest first. */
export function importanceOption(o: SweepOverview): EChartsOption {
  const rows = [...o.importance].reverse();
  return {
    animation: false,
    grid: { left: 140, right: 40, top: 10, bottom: 30 },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const { name, dataIndex } = p as { name: string; dataIndex: number };
        const row = rows[dataIndex]!;
        return `${escapeHtml(name)}: ${(row.importance * 100).toFixed(1)}% of the importance<br/>explains ${(row.explained * 100).toFixed(1)}% of the spread alone`;
      },
    },
    xAxis: {
      type: 'value',
      max: 1,
      axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
    },
    yAxis: { type: 'category', data: rows.map((r) => r.name) },
    series: [{ type: 'bar', data: rows.map((r) => r.importance), itemStyle: { color: '#2f6fed' } }],
  };
}

/**
 * Two parameters against each other, each completed trial a point coloured by the metric; the same
 * parameter twice is its slice (the parameter against the metric).
 */
export function pairOption(o: SweepOverview, x: string, y: string): EChartsOption {
  const metric = o.sweep.spec.metric;
  const px = o.parameters.find((p) => p.name === x);
  const py = o.parameters.find((p) => p.name === y);
  const slice = x === y;
  const data: (number | string)[][] = [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  o.trials.number.forEach((_n, i) => {
    const v = o.trials.value[i];
    const vx = o.trials.params[x]?.[i];
    const vy = slice ? v : o.trials.params[y]?.[i];
    if (o.trials.state[i] !== 'completed' || v === null || v === undefined) return;
    if (vx === null || vx === undefined || vy === null || vy === undefined) return;
    min = Math.min(min, v);
    max = Math.max(max, v);
    data.push([vx, vy, v]);
  });
  const axis = (p: OverviewParameter | undefined) =>
    p?.kind === 'category'
      ? { type: 'category' as const, data: p.categories ?? [] }
      : { type: p?.log ? ('log' as const) : ('value' as const), scale: true };
  return {
    animation: false,
    grid: { left: 60, right: 80, top: 20, bottom: 40 },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const [a, b, v] = (p as { value: [number | string, number | string, number] }).value;
        return `${escapeHtml(x)}: ${String(a)}<br/>${slice ? '' : `${escapeHtml(y)}: ${String(b)}<br/>`}${escapeHtml(metric.name)}: ${formatNumber(v)}`;
      },
    },
    xAxis: { ...axis(px), name: x, nameLocation: 'middle', nameGap: 26 },
    yAxis: slice ? { type: 'value', name: metric.name, scale: true } : { ...axis(py), name: y },
    visualMap: metricColors(metric.goal, 2, min, max),
    series: [{ type: 'scatter', symbol: 'rect', symbolSize: 5, large: true, data }],
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

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
        // The legend's mark in the colour of a pruned trial; each mark in its own trial's.
        color: STATE_COLORS.pruned,
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
  if (!slice && px?.kind === 'number' && py?.kind === 'number') return contourOption(o, px, py);
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

/** Cells a side of the contour. */
const CONTOUR_BINS = 12;

/** Where a value falls among `bins` equal cells of [lo, hi] (on a log scale for log parameters). */
function cellOf(v: number, lo: number, hi: number, log: boolean, bins: number): number {
  const t = log ? Math.log(v) : v;
  const [a, b] = log ? [Math.log(lo), Math.log(hi)] : [lo, hi];
  if (b <= a) return 0;
  return Math.min(bins - 1, Math.max(0, Math.floor(((t - a) / (b - a)) * bins)));
}

/** The middle of a cell, for its axis label. */
function cellMiddle(cell: number, lo: number, hi: number, log: boolean, bins: number): number {
  if (!log) return lo + ((cell + 0.5) * (hi - lo)) / bins;
  return Math.exp(Math.log(lo) + ((cell + 0.5) * (Math.log(hi) - Math.log(lo))) / bins);
}

/**
 * Two numeric parameters as a contour: the completed trials binned on a 12 × 12 grid (log-scaled
 * for log parameters), each cell coloured by the mean of the metric in it — Optuna's contour plot
 * interpolates between trials instead; empty cells stay blank rather than guessed.
 */
export function contourOption(
  o: SweepOverview,
  px: OverviewParameter,
  py: OverviewParameter,
): EChartsOption {
  const metric = o.sweep.spec.metric;
  const points: [number, number, number][] = [];
  o.trials.number.forEach((_n, i) => {
    const v = o.trials.value[i];
    const vx = o.trials.params[px.name]?.[i];
    const vy = o.trials.params[py.name]?.[i];
    if (o.trials.state[i] !== 'completed' || v === null || v === undefined) return;
    if (typeof vx !== 'number' || typeof vy !== 'number') return;
    if ((px.log && vx <= 0) || (py.log && vy <= 0)) return;
    points.push([vx, vy, v]);
  });
  const range = (k: 0 | 1) => [
    Math.min(...points.map((p) => p[k])),
    Math.max(...points.map((p) => p[k])),
  ];
  const [x0, x1] = range(0) as [number, number];
  const [y0, y1] = range(1) as [number, number];
  const sums = new Map<number, { sum: number; n: number }>();
  for (const [vx, vy, v] of points) {
    const key =
      cellOf(vx, x0, x1, px.log === true, CONTOUR_BINS) * CONTOUR_BINS +
      cellOf(vy, y0, y1, py.log === true, CONTOUR_BINS);
    const cell = sums.get(key) ?? { sum: 0, n: 0 };
    cell.sum += v;
    cell.n++;
    sums.set(key, cell);
  }
  const cells = [...sums].map(([key, c]) => [
    Math.floor(key / CONTOUR_BINS),
    key % CONTOUR_BINS,
    c.sum / c.n,
    c.n,
  ]);
  const means = cells.map((c) => c[2]!);
  const labels = (lo: number, hi: number, log: boolean) =>
    Array.from({ length: CONTOUR_BINS }, (_, i) =>
      formatNumber(cellMiddle(i, lo, hi, log, CONTOUR_BINS)),
    );
  return {
    animation: false,
    grid: { left: 70, right: 80, top: 20, bottom: 50 },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const [cx, cy, mean, n] = (p as { value: [number, number, number, number] }).value;
        return `${escapeHtml(px.name)} ≈ ${formatNumber(cellMiddle(cx, x0, x1, px.log === true, CONTOUR_BINS))}<br/>${escapeHtml(py.name)} ≈ ${formatNumber(cellMiddle(cy, y0, y1, py.log === true, CONTOUR_BINS))}<br/>mean ${escapeHtml(metric.name)}: ${formatNumber(mean)} (${n} trials)`;
      },
    },
    xAxis: {
      type: 'category',
      data: labels(x0, x1, px.log === true),
      name: px.name,
      nameLocation: 'middle',
      nameGap: 30,
    },
    yAxis: { type: 'category', data: labels(y0, y1, py.log === true), name: py.name },
    visualMap: metricColors(metric.goal, 2, Math.min(...means), Math.max(...means)),
    series: [{ type: 'heatmap', data: cells }],
  };
}

/**
 * ECharts, with only the charts and components the dashboard draws (so the bundle stays small),
 * on the canvas renderer. `chartIn` makes one chart per element and resizes it with its page.
 */
import { BarChart, HeatmapChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { type ECharts, type EChartsCoreOption, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([
  BarChart,
  HeatmapChart,
  LineChart,
  ParallelChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

const charts = new Set<ECharts>();
window.addEventListener('resize', () => {
  for (const c of charts) c.resize();
});

/**
 * A chart drawn in `el` (made once per element, then given new options); `onFinished` is called
 * once the drawing is complete (ECharts draws big series over several frames).
 */
export function draw(el: HTMLElement, option: EChartsCoreOption, onFinished?: () => void): ECharts {
  let chart = (el as HTMLElement & { chart?: ECharts }).chart;
  if (!chart || chart.isDisposed()) {
    chart = init(el, undefined, { renderer: 'canvas' });
    (el as HTMLElement & { chart?: ECharts }).chart = chart;
    charts.add(chart);
  }
  if (onFinished)
    chart.on('finished', function done() {
      chart.off('finished', done);
      onFinished();
    });
  chart.setOption(option, { notMerge: true, lazyUpdate: false });
  return chart;
}

/** Disposes the charts in `root` (before a page is replaced). */
export function disposeIn(root: Element): void {
  for (const el of root.querySelectorAll<HTMLElement & { chart?: ECharts }>('.chart')) {
    if (el.chart) {
      charts.delete(el.chart);
      el.chart.dispose();
    }
  }
}

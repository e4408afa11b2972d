import type { SweepOverview } from '@rung/shared';
import { describe, expect, it } from 'vitest';
import { bestSoFar, pairOption, parallelOption } from '../../src/web/chart-options.js';
import { compareEntryIds, SseParser } from '../../src/web/event-stream.js';
import { page, sortRows } from '../../src/web/trial-table.js';
import { makeOverview } from './fixtures.js';

const overview = makeOverview([
  { state: 'completed', value: 0.5, lr: 0.01, opt: 'adam' },
  { state: 'pruned', value: 0.9, lr: 0.1, opt: 'sgd' },
  { state: 'completed', value: 0.7, lr: 0.001, opt: 'sgd' },
  { state: 'completed', value: 0.2, lr: 0.003, opt: 'adam' },
  { state: 'running', value: null, lr: 0.02, opt: 'adam' },
]);

describe('the event stream client', () => {
  it('parses SSE frames split anywhere, skipping comments', () => {
    const parser = new SseParser();
    const text =
      'retry: 2000\n\n: still here\n\nid: 5-0\nevent: trial.created\ndata: {"number":1}\n\nid: 5-1\nevent: trial.reported\ndata: {"a":\ndata: 2}\n\n';
    const events = [];
    for (let i = 0; i < text.length; i += 7) events.push(...parser.push(text.slice(i, i + 7)));
    expect(events).toEqual([
      { id: '5-0', type: 'trial.created', data: '{"number":1}' },
      { id: '5-1', type: 'trial.reported', data: '{"a":\n2}' },
    ]);
  });

  it('orders log entry ids by time, then sequence (not as strings)', () => {
    expect(compareEntryIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareEntryIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareEntryIds('10-2', '10-2')).toBe(0);
  });
});

describe('the trial table', () => {
  it('ranks completed trials best first and sorts by any column, empty values last', () => {
    expect(sortRows(overview, 'rank', 'asc').map((r) => [r.number, r.rank])).toEqual([
      [3, 1],
      [0, 2],
      [2, 3],
      [1, undefined],
      [4, undefined],
    ]);
    expect(sortRows(overview, 'value', 'desc').map((r) => r.number)).toEqual([1, 2, 0, 3, 4]);
    expect(sortRows(overview, 'param:opt', 'asc').map((r) => r.number)).toEqual([0, 3, 4, 1, 2]);
    expect(page(sortRows(overview, 'number', 'asc'), 1, 2).map((r) => r.number)).toEqual([2, 3]);
  });

  it('ranks a maximized metric highest first', () => {
    const max = makeOverview(
      [
        { state: 'completed', value: 0.5, lr: 0.01, opt: 'adam' },
        { state: 'completed', value: 0.9, lr: 0.1, opt: 'sgd' },
      ],
      'maximize',
    );
    expect(sortRows(max, 'rank', 'asc').map((r) => r.number)).toEqual([1, 0]);
  });
});

describe('the charts', () => {
  it('draws the best value so far over completed trials only, as the steps where it improved', () => {
    expect(bestSoFar(overview)).toEqual([
      [0, 0.5],
      [3, 0.2],
      [4, 0.2],
    ]);
  });

  it('gives parallel coordinates one line per completed trial, the metric last', () => {
    const option = parallelOption(overview) as { series: { data: unknown[][] }[] };
    expect(option.series[0]!.data).toEqual([
      [0.01, 'adam', 0.5],
      [0.001, 'sgd', 0.7],
      [0.003, 'adam', 0.2],
    ]);
  });

  it('draws a slice when a pair names the same parameter twice', () => {
    const option = pairOption(overview, 'lr', 'lr') as { series: { data: unknown[][] }[] };
    expect(option.series[0]!.data).toEqual([
      [0.01, 0.5, 0.5],
      [0.001, 0.7, 0.7],
      [0.003, 0.2, 0.2],
    ]);
  });

  it('draws two numeric parameters as a contour: the mean of the metric in each cell of a grid', () => {
    const base = makeOverview([
      { state: 'completed', value: 1, lr: 0.0001, opt: 'adam' },
      { state: 'completed', value: 3, lr: 0.00011, opt: 'adam' },
      { state: 'completed', value: 5, lr: 0.1, opt: 'sgd' },
      { state: 'pruned', value: 9, lr: 0.1, opt: 'sgd' },
    ]);
    const o: SweepOverview = {
      ...base,
      parameters: [...base.parameters, { name: 'width', kind: 'number' }],
      trials: { ...base.trials, params: { ...base.trials.params, width: [16, 16, 512, 512] } },
    };
    const option = pairOption(o, 'lr', 'width') as {
      series: { type: string; data: number[][] }[];
      xAxis: { data: string[] };
    };
    expect(option.series[0]!.type).toBe('heatmap');
    // lr on a log scale: 1e-4 and 1.1e-4 share the first cell, 0.1 is in the last; pruned left out.
    expect(option.series[0]!.data.sort((a, b) => a[0]! - b[0]!)).toEqual([
      [0, 0, 2, 2],
      [11, 11, 5, 1],
    ]);
    expect(option.xAxis.data).toHaveLength(12);
    // A category parameter, or one parameter twice, stays a scatter of the trials.
    expect((pairOption(o, 'lr', 'opt') as { series: { type: string }[] }).series[0]!.type).toBe(
      'scatter',
    );
  });
});

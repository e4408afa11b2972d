/**
 * A sweep's page: summary and actions, cost, optimization history, parallel coordinates,
 * learning curves, parameter importance, a chosen pair, the trial table with each trial's detail,
 * the workers, and the live event log. Live pages follow the sweep's event stream and redraw from
 * a fresh overview (at most every second, less often when an overview is slow to come).
 */
import type { Scope, SweepCost, SweepOverview } from '@rung/shared';
import { formatDuration, formatNumber } from '@rung/shared/format';
import { api } from './api.js';
import {
  curvesOption,
  historyOption,
  importanceOption,
  pairOption,
  parallelOption,
} from './chart-options.js';
import { disposeIn, draw } from './charts.js';
import { dataTable, fill, h } from './dom.js';
import { compareEntryIds, type Follow, followSweep, type StreamEvent } from './event-stream.js';
import type { Page } from './page.js';
import type { SweepSource } from './sweep-source.js';
import { page, type SortKey, sortRows } from './trial-table.js';

const PAGE_SIZE = 25;
const FEED_LINES = 200;

function fact(label: string, value: string, id?: string): HTMLElement {
  return h(
    'div',
    { class: 'fact', ...(id && { 'data-fact': id }) },
    h('b', {}, value),
    h('span', {}, label),
  );
}

/** A parameter value as the table shows it. */
const shownValue = (v: number | string | null | undefined) =>
  typeof v === 'number' ? formatNumber(v) : (v ?? '');

const canSubmit = (scope: Scope | undefined) => scope === 'submit' || scope === 'admin';

export function sweepPage(
  root: HTMLElement,
  source: SweepSource,
  options: { scope?: Promise<Scope | undefined>; onConnection?(up: boolean): void } = {},
): Page {
  const banner = h('div', { class: 'banner', hidden: true });
  const summary = h(
    'section',
    { class: 'card', id: 'summary' },
    h('p', { class: 'muted' }, 'Loading…'),
  );
  const cost = h('section', { class: 'card', id: 'cost' });
  const historyEl = h('div', { class: 'chart', id: 'history-chart' });
  const parallelEl = h('div', { class: 'chart tall', id: 'parallel-chart' });
  const curvesEl = h('div', { class: 'chart tall', id: 'curves-chart' });
  const curvesNote = h('span', { class: 'muted' });
  const importanceEl = h('div', { class: 'chart', id: 'importance-chart' });
  const pairEl = h('div', { class: 'chart', id: 'pair-chart' });
  const pairX = h('select', { id: 'pair-x' });
  const pairY = h('select', { id: 'pair-y' });
  const table = h('table', { id: 'trials' });
  const pager = h('div', { class: 'pager' });
  const detail = h('section', { class: 'card detail', id: 'trial-detail', hidden: true });
  const workers = h('section', { class: 'card below', id: 'workers' });
  const feed = h('div', { class: 'feed', id: 'events', 'data-count': '0', 'data-duplicates': '0' });

  fill(
    root,
    banner,
    summary,
    cost,
    h(
      'div',
      { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, 'Optimization history'), historyEl),
      h('section', { class: 'card' }, h('h2', {}, 'Learning curves ', curvesNote), curvesEl),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Parallel coordinates (drag along an axis to select)'),
        parallelEl,
      ),
      h('section', { class: 'card' }, h('h2', {}, 'Parameter importance'), importanceEl),
      h(
        'section',
        { class: 'card' },
        h('div', { class: 'row' }, h('h2', {}, 'Pair'), pairX, 'against', pairY),
        pairEl,
      ),
      source.live ? h('section', { class: 'card' }, h('h2', {}, 'Events (live)'), feed) : null,
    ),
    h(
      'section',
      { class: 'card below', style: 'margin-top:14px' },
      h('h2', {}, 'Trials'),
      h('div', { style: 'overflow:auto' }, table),
      pager,
    ),
    detail,
    source.live ? workers : null,
  );

  const parallelism = h('input', {
    type: 'number',
    min: 1,
    id: 'parallelism',
    style: 'width:5em',
    oninput: () => {
      parallelismEdited = true;
    },
  });
  let parallelismEdited = false;
  let scope: Scope | undefined;
  void options.scope?.then((s) => {
    scope = s;
    if (overview && !stopped) renderSummary(overview);
  });
  let overview: SweepOverview | undefined;
  let sort: { key: SortKey; direction: 'asc' | 'desc' } = { key: 'rank', direction: 'asc' };
  let pageIndex = 0;
  let stopped = false;
  let follow: Follow | undefined;
  let lastEventId = '0-0';
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let refreshing = false;
  let refreshAgain = false;
  let refreshMs = 1000;
  let costAt = 0;
  let workersTimer: ReturnType<typeof setTimeout> | undefined;

  const showError = (message: string | undefined) => {
    banner.hidden = message === undefined;
    banner.textContent = message ?? '';
  };

  function renderSummary(o: SweepOverview): void {
    const s = o.sweep;
    const c = s.counts;
    const actions = h('div', { class: 'actions' });
    if (source.live) {
      const allowed = canSubmit(scope);
      const base = `/v1/sweeps/${encodeURIComponent(s.id)}`;
      /**
       * A button that calls the API, then redraws at once (or says what the API refused); `call`
       * answers false when the user thought better of it.
       */
      const act = (
        label: string,
        enabled: boolean,
        call: () => Promise<unknown> | false,
        action = label,
      ) =>
        h(
          'button',
          {
            'data-action': action,
            disabled: !(allowed && enabled),
            title: allowed ? '' : 'needs a token with scope submit',
            onclick: async () => {
              try {
                const called = call();
                if (called === false) return;
                await called;
                showError(undefined);
                scheduleRefresh(0);
              } catch (err) {
                showError((err as Error).message);
              }
            },
          },
          label,
        );
      const running = s.state === 'running';
      const active = running || s.state === 'paused';
      // Kept across redraws, so a value being typed is not reset by a live update.
      if (!parallelismEdited) parallelism.value = String(s.spec.parallelism);
      parallelism.disabled = !(allowed && active);
      actions.append(
        act('pause', running, () => api.post(`${base}/pause`, { trials: 'finish' })),
        act('pause & checkpoint', running, () =>
          api.post(`${base}/pause`, { trials: 'checkpoint' }),
        ),
        act('resume', s.state === 'paused', () => api.post(`${base}/resume`)),
        act('cancel', active, () =>
          confirm(`Cancel sweep ${s.id}?`) ? api.post(`${base}/cancel`) : false,
        ),
        h('span', { class: 'muted' }, 'parallelism'),
        parallelism,
        act(
          'set',
          active,
          async () => {
            await api.patch(base, { parallelism: Number(parallelism.value) });
            parallelismEdited = false;
          },
          'set-parallelism',
        ),
      );
    }
    fill(
      summary,
      h(
        'h1',
        {},
        s.name ?? s.id,
        ' ',
        h('span', { class: `state ${s.state}`, id: 'sweep-state' }, s.state),
      ),
      h(
        'div',
        { class: 'muted' },
        `${s.id} · ${s.sampler} · ${s.spec.metric.name} (${s.spec.metric.goal})`,
        s.stopReason ? ` · stopped: ${s.stopReason}` : '',
        source.live ? '' : ` · report written ${new Date(o.at).toISOString()}`,
      ),
      h(
        'div',
        { class: 'facts' },
        fact('trials', String(s.trials), 'trials'),
        fact('completed', String(c.completed), 'completed'),
        fact('pruned', String(c.pruned), 'pruned'),
        fact('running', String(c.running), 'running'),
        fact('paused', String(c.paused), 'paused'),
        fact('failed', String(c.failed), 'failed'),
        fact('best', s.best ? `${formatNumber(s.best.value)} (#${s.best.number})` : '-', 'best'),
        fact('compute saved', `${Math.round(s.compute.saved * 100)}%`, 'saved'),
      ),
      actions,
    );
  }

  function renderCost(c: SweepCost | undefined): void {
    if (!c) {
      fill(cost, h('h2', {}, 'Cost'), h('p', { class: 'muted' }, 'not known'));
      return;
    }
    const within = c.toWithin.map((w) =>
      fact(
        `to within ${w.percent}% of the best`,
        `${formatDuration(w.wallSeconds * 1000)} · ${formatNumber(w.computeHours)} h`,
      ),
    );
    fill(
      cost,
      h('h2', {}, 'Cost'),
      h(
        'div',
        { class: 'facts' },
        fact('GPU-hours used', formatNumber(c.gpuHours), 'gpu-hours'),
        fact('CPU-hours used', formatNumber(c.cpuHours), 'cpu-hours'),
        fact(
          `hours saved by early stopping (${Math.round(c.savedShare * 100)}% of steps)`,
          formatNumber(c.savedHours),
          'saved-hours',
        ),
        fact('wall time', formatDuration(c.wallSeconds * 1000), 'wall'),
        c.money ? fact('spent', formatNumber(c.money.spent), 'spent') : null,
        c.money ? fact('saved', formatNumber(c.money.saved), 'money-saved') : null,
        ...within,
      ),
    );
  }

  function renderPairChoices(o: SweepOverview): void {
    if (pairX.options.length === o.parameters.length) return;
    const names = o.parameters.map((p) => p.name);
    const ranked = o.importance.map((i) => i.name);
    const [first, second] = [...ranked, ...names];
    for (const select of [pairX, pairY]) {
      fill(select, ...names.map((n) => h('option', { value: n }, n)));
    }
    pairX.value = first ?? '';
    pairY.value = second ?? first ?? '';
    const redraw = () => overview && draw(pairEl, pairOption(overview, pairX.value, pairY.value));
    pairX.onchange = redraw;
    pairY.onchange = redraw;
  }

  function renderTable(o: SweepOverview): void {
    const rows = sortRows(o, sort.key, sort.direction);
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    pageIndex = Math.min(pageIndex, pages - 1);
    const header = (label: string, key: SortKey, numeric = false) =>
      h(
        'th',
        {
          class: `sortable${numeric ? ' num' : ''}`,
          'data-sort': key,
          onclick: () => {
            sort = {
              key,
              direction: sort.key === key && sort.direction === 'asc' ? 'desc' : 'asc',
            };
            renderTable(o);
          },
        },
        label,
        sort.key === key ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : '',
      );
    const params = o.parameters.map((p) => p.name);
    fill(
      table,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          header('rank', 'rank', true),
          header('#', 'number', true),
          header('state', 'state'),
          header(o.sweep.spec.metric.name, 'value', true),
          header('step', 'lastStep', true),
          ...params.map((p) => header(p, `param:${p}`)),
          h('th', {}, 'why'),
        ),
      ),
      h(
        'tbody',
        {},
        ...page(rows, pageIndex, PAGE_SIZE).map((r) => {
          const i = r.index;
          return h(
            'tr',
            { class: 'clickable', 'data-trial': r.number, onclick: () => void showTrial(r.number) },
            h('td', { class: 'num' }, r.rank ?? ''),
            h('td', { class: 'num' }, r.number),
            h('td', {}, h('span', { class: `state ${o.trials.state[i]}` }, o.trials.state[i]!)),
            h('td', { class: 'num' }, formatNumber(o.trials.value[i])),
            h('td', { class: 'num' }, o.trials.lastStep[i] ?? ''),
            ...params.map((p) => {
              return h('td', {}, shownValue(o.trials.params[p]![i]));
            }),
            h('td', { class: 'muted' }, o.trials.reason[i] ?? ''),
          );
        }),
      ),
    );
    fill(
      pager,
      h(
        'button',
        {
          disabled: pageIndex === 0,
          onclick: () => {
            pageIndex--;
            renderTable(o);
          },
        },
        '‹ prev',
      ),
      h('span', { id: 'page' }, `page ${pageIndex + 1} of ${pages} (${rows.length} trials)`),
      h(
        'button',
        {
          disabled: pageIndex >= pages - 1,
          onclick: () => {
            pageIndex++;
            renderTable(o);
          },
        },
        'next ›',
      ),
    );
  }

  async function showTrial(number: number): Promise<void> {
    const o = overview;
    if (!o) return;
    detail.hidden = false;
    const i = o.trials.number.indexOf(number);
    const trial = await source.trial(number).catch((err: Error) => {
      showError(err.message);
      return undefined;
    });
    const lines = trial ? await source.logs(number).catch(() => []) : [];
    const params = o.parameters.map((p) =>
      h('tr', {}, h('td', {}, p.name), h('td', {}, shownValue(o.trials.params[p.name]![i]))),
    );
    const attempts = trial?.attempts ?? [];
    const curveEl = h('div', { class: 'chart', id: 'trial-curve' });
    fill(
      detail,
      h('h2', {}, `Trial #${number}`),
      h(
        'div',
        { class: 'facts' },
        fact('state', o.trials.state[i] ?? '?'),
        fact(o.sweep.spec.metric.name, formatNumber(o.trials.value[i])),
        fact('last step', String(o.trials.lastStep[i] ?? '-')),
        trial?.workerId ? fact('worker', trial.workerId) : null,
        trial?.gpuSeconds ? fact('GPU-seconds', formatNumber(trial.gpuSeconds)) : null,
        trial?.checkpoint ? fact('checkpoint', `step ${trial.checkpoint.step}`) : null,
      ),
      o.trials.reason[i] ? h('p', { id: 'trial-reason' }, o.trials.reason[i]!) : null,
      h('table', {}, h('tbody', {}, ...params)),
      attempts.length > 0
        ? dataTable(
            { id: 'attempts', style: 'margin-top:10px' },
            ['attempt', 'worker', 'reports', 'ended by', 'error'],
            attempts.map((a) => [
              a.attempt,
              a.workerId,
              a.reports.length,
              a.endedBy ?? 'running',
              a.error ?? '',
            ]),
          )
        : null,
      trial ? curveEl : null,
      trial?.checkpoint ? h('p', { class: 'muted' }, `checkpoint: ${trial.checkpoint.path}`) : null,
      lines.length > 0 ? h('pre', { id: 'trial-logs' }, lines.join('\n')) : null,
    );
    if (trial) {
      const metric = o.sweep.spec.metric.name;
      draw(curveEl, {
        animation: false,
        grid: { left: 56, right: 16, top: 20, bottom: 30 },
        tooltip: { trigger: 'axis' },
        legend: { top: 0, right: 0 },
        xAxis: { type: 'value', name: 'step', min: 0 },
        yAxis: { type: 'value', name: metric, scale: true },
        series: (attempts.length > 0
          ? attempts
          : [{ attempt: trial.attempt, reports: trial.reports }]
        ).map((a) => ({
          name: `attempt ${a.attempt}`,
          type: 'line',
          data: a.reports
            .filter((r) => Number.isFinite(r.metrics[metric]))
            .map((r) => [r.step, r.metrics[metric]]),
        })),
      });
    }
    detail.scrollIntoView({ block: 'nearest' });
  }

  async function renderWorkers(): Promise<void> {
    if (stopped || !source.live) return;
    try {
      const list = (await source.workers()) ?? [];
      fill(
        workers,
        h('h2', {}, `Workers (${list.length})`),
        dataTable(
          { id: 'worker-table' },
          ['worker', 'host', { label: 'slots busy', num: true }, 'GPUs (free share)', 'trainers'],
          list.map((w) => [
            w.workerId,
            w.host,
            `${w.busy} / ${w.slots}`,
            w.gpus
              .map(
                (g) =>
                  `${g.index}: ${g.name} ${Math.round(g.memoryMiB / 1024)} GiB (${Math.round(g.free * 100)}% free)`,
              )
              .join(', ') || 'none',
            w.trainers.map((t) => t.name).join(', '),
          ]),
        ),
      );
    } catch {
      // The banner already says when the API is away.
    }
    workersTimer = setTimeout(() => void renderWorkers(), 5000);
  }

  const nextFrame = () => new Promise((r) => requestAnimationFrame(r));

  /** Draws a chart and waits until it is complete. */
  const drawn = (el: HTMLElement, option: Parameters<typeof draw>[1]) =>
    new Promise<void>((resolve) => {
      draw(el, option, resolve);
    });

  async function render(o: SweepOverview, first: boolean): Promise<void> {
    overview = o;
    renderSummary(o);
    renderPairChoices(o);
    if (!first) renderTable(o);
    curvesNote.textContent =
      o.curves.total > o.curves.series.length
        ? `(${o.curves.series.length} of ${o.curves.total}: active, best and an even spread)`
        : '';
    // Options are built when drawn: the first chart need not wait for the others' data.
    const charts: [HTMLElement, () => Parameters<typeof draw>[1]][] = [
      [historyEl, () => historyOption(o)],
      [parallelEl, () => parallelOption(o)],
      [curvesEl, () => curvesOption(o)],
      [importanceEl, () => importanceOption(o)],
      [pairEl, () => pairOption(o, pairX.value, pairY.value)],
    ];
    if (first) {
      // What shows at the top first — the summary and the history — in one frame; then the
      // table (below the fold) and each other chart in a task of its own, so the page shows
      // (and answers) while they are drawn.
      const [head, ...rest] = charts;
      await drawn(head![0], head![1]());
      await nextFrame();
      // For the browser tests and the dashboard benchmark: the first meaningful paint.
      document.body.dataset.painted = String(Math.round(performance.now()));
      await new Promise((r) => setTimeout(r, 0));
      renderTable(o);
      performance.mark('rung:table');
      for (const [el, option] of rest) {
        await new Promise((r) => setTimeout(r, 0));
        await drawn(el, option());
        performance.mark(`rung:${el.id}`);
      }
      await nextFrame();
      document.body.dataset.complete = String(Math.round(performance.now()));
    } else {
      for (const [el, option] of charts) draw(el, option());
    }
  }

  async function refresh(first = false): Promise<void> {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    const started = performance.now();
    try {
      const o = await source.overview();
      if (stopped) return;
      if (first) performance.mark('rung:overview');
      showError(undefined);
      await render(o, first);
      // A big sweep's overview takes a while to build: ask for it less often.
      refreshMs = Math.max(1000, 4 * (performance.now() - started));
      if (first && source.live) startFollowing(o.eventId);
      if (Date.now() - costAt > 5000) {
        costAt = Date.now();
        renderCost(await source.cost().catch(() => undefined));
      }
    } catch (err) {
      showError(`${(err as Error).message}; retrying`);
      if (source.live) scheduleRefresh(2000);
    } finally {
      refreshing = false;
      if (refreshAgain && !stopped) {
        refreshAgain = false;
        scheduleRefresh(refreshMs);
      }
    }
  }

  function scheduleRefresh(delay = refreshMs): void {
    if (stopped || refreshTimer !== undefined) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      void refresh();
    }, delay);
  }

  function onEvent(event: StreamEvent): void {
    const count = Number(feed.dataset.count) + 1;
    feed.dataset.count = String(count);
    if (compareEntryIds(event.id, lastEventId) <= 0) {
      feed.dataset.duplicates = String(Number(feed.dataset.duplicates) + 1);
    }
    lastEventId = event.id;
    feed.dataset.last = event.id;
    const body = JSON.parse(event.data) as { number?: number };
    feed.prepend(
      h(
        'div',
        {},
        `${new Date(Number(event.id.split('-')[0])).toLocaleTimeString()} ${event.type}${body.number !== undefined ? ` #${body.number}` : ''}`,
      ),
    );
    while (feed.childElementCount > FEED_LINES) feed.lastElementChild?.remove();
    scheduleRefresh();
  }

  function startFollowing(after: string): void {
    lastEventId = after;
    feed.dataset.from = after;
    follow = followSweep(overview!.sweep.id, after, onEvent, (up) => {
      options.onConnection?.(up);
      if (up) scheduleRefresh(0);
    });
  }

  void refresh(true);
  void renderWorkers();
  return {
    stop() {
      stopped = true;
      follow?.stop();
      clearTimeout(refreshTimer);
      clearTimeout(workersTimer);
      disposeIn(root);
    },
  };
}

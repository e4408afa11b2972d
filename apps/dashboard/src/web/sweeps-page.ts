/** The sweeps list: state, progress, best value, sampler, what it used and what pruning saved. */
import type { SweepView } from '@rung/shared';
import { formatNumber } from '@rung/shared/format';
import { api } from './api.js';
import { fill, h } from './dom.js';
import type { Page } from './page.js';

const REFRESH_MS = 3000;

function row(s: SweepView): HTMLTableRowElement {
  const ended = s.counts.completed + s.counts.pruned + s.counts.failed + s.counts.cancelled;
  const cap = s.spec.run_cap;
  const href = `#/sweeps/${encodeURIComponent(s.id)}`;
  return h(
    'tr',
    { class: 'clickable', 'data-sweep': s.id, onclick: () => (location.hash = href) },
    h(
      'td',
      {},
      h('a', { href }, s.name ?? s.id),
      ' ',
      h('span', { class: 'muted' }, s.name ? s.id : ''),
    ),
    h('td', {}, h('span', { class: `state ${s.state}` }, s.state)),
    h('td', {}, s.sampler),
    h(
      'td',
      { class: 'num' },
      `${ended}${cap ? ` / ${cap}` : ''}`,
      s.counts.running > 0 ? h('span', { class: 'muted' }, ` (${s.counts.running} running)`) : '',
    ),
    h('td', { class: 'num' }, s.best ? formatNumber(s.best.value) : '-'),
    h('td', { class: 'num' }, `${Math.round(s.compute.saved * 100)}%`),
    h('td', { class: 'num' }, formatNumber(s.gpuSeconds / 3600)),
  );
}

export function sweepsPage(root: HTMLElement): Page {
  const body = h('tbody');
  const note = h('p', { class: 'muted' });
  fill(
    root,
    h('h1', {}, 'Sweeps'),
    note,
    h(
      'section',
      { class: 'card' },
      h(
        'table',
        { id: 'sweeps' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'sweep'),
            h('th', {}, 'state'),
            h('th', {}, 'sampler'),
            h('th', { class: 'num' }, 'trials ended'),
            h('th', { class: 'num' }, 'best'),
            h('th', { class: 'num' }, 'compute saved'),
            h('th', { class: 'num' }, 'GPU-hours'),
          ),
        ),
        body,
      ),
    ),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const refresh = async () => {
    try {
      const { sweeps } = await api.get<{ sweeps: SweepView[] }>('/v1/sweeps?limit=1000');
      // Newest first: the sweep a user just started is the one they look for.
      fill(body, ...[...sweeps].reverse().map(row));
      note.textContent = sweeps.length === 0 ? 'No sweep yet: submit one with `rung submit`.' : '';
    } catch (err) {
      note.textContent = (err as Error).message;
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  };
  void refresh();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

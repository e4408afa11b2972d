/** A small element builder: `h('td', { class: 'num' }, '0.12')`. Text children are escaped by the DOM. */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A column of {@link dataTable}: its heading, and whether it holds numbers (right-aligned). */
export type Column = string | { label: string; num: true };

/** A table of plain rows: one heading per column, one row per entry, one cell per column. */
export function dataTable(
  attrs: Attrs,
  columns: readonly Column[],
  rows: readonly Child[][],
): HTMLTableElement {
  const numeric = columns.map((c) => typeof c !== 'string');
  const cell = (tag: 'th' | 'td', i: number, child: Child) =>
    h(tag, numeric[i] ? { class: 'num' } : {}, child);
  return h(
    'table',
    attrs,
    h(
      'thead',
      {},
      h('tr', {}, ...columns.map((c, i) => cell('th', i, typeof c === 'string' ? c : c.label))),
    ),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((v, i) => cell('td', i, v))))),
  );
}

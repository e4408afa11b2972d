/**
 * @rung/dashboard — the web dashboard (built into `public/` by build-web.mjs): where its files
 * are, for the scheduler to serve, and the self-contained report `rung report` writes.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { SweepCost, SweepOverview } from '@rung/shared';

/** The built dashboard: index.html, app.js, app.css (src/ and dist/ sit at the same depth). */
export const DASHBOARD_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** What a report shows: the sweep's overview and cost when it was written. */
export interface ReportData {
  overview: SweepOverview;
  cost?: SweepCost;
  /** When the report was written (ms since the epoch). */
  writtenAt: number;
}

/** JSON that can sit inside a <script> element: no `</script>`, no `<!--`. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}

/**
 * One HTML file with the dashboard's code, styles and the sweep's data inlined: it opens from
 * disk, with no server and no network, and draws the sweep page as it was.
 */
export async function reportHtml(data: ReportData): Promise<string> {
  const [html, js, css] = await Promise.all(
    ['index.html', 'app.js', 'app.css'].map((f) => readFile(`${DASHBOARD_DIR}${f}`, 'utf8')),
  );
  const title = `Rung report: ${data.overview.sweep.name ?? data.overview.sweep.id}`;
  return html!
    .replace(/<title>[^<]*<\/title>/, `<title>${escapeHtml(title)}</title>`)
    .replace('<link rel="stylesheet" href="app.css" />', () => `<style>${css}</style>`)
    .replace(
      '<script src="app.js"></script>',
      () =>
        `<script>window.RUNG_REPORT = ${scriptSafeJson(data)};</script>\n<script>${js!.replace(/<\/script/gi, '<\\/script')}</script>`,
    );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

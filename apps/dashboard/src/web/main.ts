/**
 * The dashboard's entry: `#/` lists the sweeps, `#/sweeps/<id>` shows one. Opened from a report
 * file (`rung report`), it shows the sweep the report carries, with no server.
 */
import type { Scope } from '@rung/shared';
import { ApiError, api, saveToken } from './api.js';
import type { Page } from './page.js';
import { sweepPage } from './sweep-page.js';
import { apiSource, type ReportData, reportSource } from './sweep-source.js';
import { sweepsPage } from './sweeps-page.js';

declare global {
  interface Window {
    RUNG_REPORT?: ReportData;
  }
}

performance.mark('rung:script');
const root = document.getElementById('app')!;
const connection = document.getElementById('connection')!;
const tokenForm = document.getElementById('token-form') as HTMLFormElement;
const tokenInput = document.getElementById('token-input') as HTMLInputElement;

let current: Page | undefined;
/** What the caller may do, asked once per page load (and again after a token is given). */
let scope: Promise<Scope | undefined> = Promise.resolve(undefined);

function setConnection(up: boolean): void {
  connection.textContent = up ? 'live' : 'reconnecting…';
  connection.classList.toggle('down', !up);
  // How many times the stream connected: a reconnection shows as 2 and more.
  if (up) connection.dataset.connects = String(Number(connection.dataset.connects ?? 0) + 1);
}

/** What the caller may do; asks for a token when the API wants one. */
async function whoAmI(): Promise<Scope | undefined> {
  try {
    const { scope } = await api.get<{ scope: Scope }>('/v1/tokens/current');
    tokenForm.hidden = true;
    return scope;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) tokenForm.hidden = false;
    return undefined;
  }
}

function route(): void {
  current?.stop();
  const match = /^#\/sweeps\/([^/]+)/.exec(location.hash);
  current = match
    ? sweepPage(root, apiSource(decodeURIComponent(match[1]!)), {
        scope,
        onConnection: setConnection,
      })
    : sweepsPage(root);
}

tokenForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  saveToken(tokenInput.value.trim());
  tokenInput.value = '';
  scope = whoAmI();
  route();
});

if (window.RUNG_REPORT) {
  document.querySelector('.top')?.remove();
  sweepPage(root, reportSource(window.RUNG_REPORT));
} else {
  // Asked beside the page's own data, not before it: the page offers actions once it is known.
  scope = whoAmI();
  window.addEventListener('hashchange', route);
  route();
}

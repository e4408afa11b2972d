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

const root = document.getElementById('app')!;
const connection = document.getElementById('connection')!;
const tokenForm = document.getElementById('token-form') as HTMLFormElement;
const tokenInput = document.getElementById('token-input') as HTMLInputElement;

let current: Page | undefined;
let scope: Scope | undefined;

function setConnection(up: boolean): void {
  connection.textContent = up ? 'live' : 'reconnecting…';
  connection.classList.toggle('down', !up);
}

/** What the caller may do; asks for a token when the API wants one. */
async function whoAmI(): Promise<void> {
  try {
    scope = (await api.get<{ scope: Scope }>('/v1/tokens/current')).scope;
    tokenForm.hidden = true;
  } catch (err) {
    scope = undefined;
    if (err instanceof ApiError && err.status === 401) tokenForm.hidden = false;
  }
}

function route(): void {
  current?.stop();
  const match = /^#\/sweeps\/([^/]+)/.exec(location.hash);
  current = match
    ? sweepPage(root, apiSource(decodeURIComponent(match[1]!)), {
        ...(scope && { scope }),
        onConnection: setConnection,
      })
    : sweepsPage(root);
}

tokenForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  saveToken(tokenInput.value.trim());
  tokenInput.value = '';
  await whoAmI();
  route();
});

if (window.RUNG_REPORT) {
  document.querySelector('.top')?.remove();
  sweepPage(root, reportSource(window.RUNG_REPORT));
} else {
  void whoAmI().then(() => {
    window.addEventListener('hashchange', route);
    route();
  });
}

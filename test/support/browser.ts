/**
 * A real headless Chromium (Debian's `chromium`, or `RUNG_CHROMIUM`) driven by playwright-core,
 * for the dashboard's browser tests and benchmark. Screenshots go to `test-artifacts/`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** The Chromium binary: `RUNG_CHROMIUM`, else the first of chromium / chromium-browser on PATH. */
export function chromiumPath(): string {
  if (process.env.RUNG_CHROMIUM) return process.env.RUNG_CHROMIUM;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // Not this one.
    }
  }
  throw new Error('no chromium: install it (apt-get install -y chromium) or set RUNG_CHROMIUM');
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // Containers run as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** The path of a screenshot of this test run (its folder made). */
export function artifact(name: string): string {
  mkdirSync(join(ARTIFACTS, 'dashboard'), { recursive: true });
  return join(ARTIFACTS, 'dashboard', name);
}

/**
 * The web dashboard in a real browser (Debian's chromium via playwright-core) against a live
 * cluster: the pages render a real sweep, follow it live while its trials run, keep working after
 * the scheduler is killed and restarted (the stream resumes after its last event: none missed or
 * doubled), act on the sweep, and show only what a token's scope allows. Screenshots land in
 * test-artifacts/dashboard/.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { SweepView } from '@rung/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compareEntryIds } from '../../apps/dashboard/src/web/event-stream.js';
import { artifact, launchBrowser } from '../support/browser.js';
import { startCluster, type TestCluster, waitFor } from '../support/cluster.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Text of an element's data attribute, as a number. */
const dataNumber = (page: Page, selector: string, name: string) =>
  page.$eval(selector, (el, n) => Number((el as HTMLElement).dataset[n] ?? 'NaN'), name);

const factText = (page: Page, fact: string) =>
  page.$eval(`[data-fact="${fact}"] b`, (el) => el.textContent ?? '');

const CLI = join(import.meta.dirname, '..', '..', 'apps', 'cli', 'bin', 'rung.js');

describe('the dashboard, open on loopback', () => {
  let cluster: TestCluster;
  /** The sweep the first test ran to the end, for the report. */
  let doneSweep: SweepView | undefined;
  beforeAll(async () => {
    cluster = await startCluster(inject('redisUrl'), { workers: 2 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('shows a live sweep, survives a scheduler restart, and acts on the sweep', async () => {
    const sweep = await cluster.submit(`
name: dashboard-e2e
method: random
metric: { name: val_loss, goal: minimize }
parameters:
  learning_rate: { distribution: log_uniform_values, min: 0.00001, max: 0.1 }
  hidden_units: { values: [16, 32, 64] }
  optimizer: { values: [sgd, adam] }
pruner: { type: median, startup_trials: 3, warmup_steps: 0 }
trainer: { name: mlp, options: { epochs: 6 } }
parallelism: 2
run_cap: 500
`);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // The sweeps list links to the sweep.
    await page.goto(`${cluster.api}/`);
    await page.waitForSelector(`tr[data-sweep="${sweep.id}"]`);
    expect(await page.textContent(`tr[data-sweep="${sweep.id}"]`)).toContain('dashboard-e2e');
    await page.screenshot({ path: artifact('sweeps.png'), fullPage: true });
    await page.click(`tr[data-sweep="${sweep.id}"]`);

    // The sweep page draws its charts, then follows the sweep live.
    await page.waitForSelector('body[data-complete]', { state: 'attached', timeout: 30_000 });
    expect(await page.textContent('#summary h1')).toContain('dashboard-e2e');
    for (const chart of ['history', 'parallel', 'curves', 'importance', 'pair']) {
      expect(await page.$(`#${chart}-chart canvas`), chart).not.toBeNull();
    }
    await page.waitForFunction(() => Number(document.getElementById('events')?.dataset.count) >= 5);
    const trialsBefore = Number(await factText(page, 'trials'));
    await page.waitForFunction(
      (n) =>
        Number(document.querySelector('[data-fact="trials"] b')?.textContent) > n &&
        document.querySelectorAll('#trials tbody tr').length > n,
      trialsBefore,
      { timeout: 60_000 },
    );
    await page.screenshot({ path: artifact('sweep-live.png'), fullPage: true });

    // Steering from the page (the run_cap leaves trials to create, however fast this machine is;
    // the test ends the sweep through the API below): parallelism, then pause and resume.
    await page.fill('#parallelism', '3');
    await page.click('[data-action="set-parallelism"]');
    await waitFor<SweepView>(
      `${cluster.api}/v1/sweeps/${sweep.id}`,
      (s) => s.spec.parallelism === 3,
      10_000,
    );
    await page.click('[data-action="pause"]');
    await page.waitForFunction(
      () => document.getElementById('sweep-state')?.textContent === 'paused',
    );
    await page.click('[data-action="resume"]');
    await page.waitForFunction(
      () => document.getElementById('sweep-state')?.textContent === 'running',
    );

    // The scheduler dies mid-sweep and comes back: the page reconnects and goes on where it was.
    const seenBefore = await dataNumber(page, '#events', 'count');
    const connects = await dataNumber(page, '#connection', 'connects');
    await cluster.restartScheduler({ kill: true });
    // The stream connects again (and goes on after the last event it got: the check at the end
    // finds every event of the log exactly once, those of the outage included).
    await page.waitForFunction(
      (n) =>
        Number(document.getElementById('connection')?.dataset.connects) > n &&
        document.getElementById('connection')?.textContent === 'live',
      connects,
      { timeout: 60_000 },
    );

    // To the end, once a trial has been pruned (half the learning-rate range cannot learn in 6
    // epochs): a run_cap at the trials created ends the sweep when its running trials finish.
    await waitFor<SweepView>(
      `${cluster.api}/v1/sweeps/${sweep.id}`,
      (s) => s.counts.pruned > 0,
      120_000,
    );
    const patched = await fetch(`${cluster.api}/v1/sweeps/${sweep.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ run_cap: 1 }),
    });
    expect(patched.status).toBe(200);
    // Every event of the log arrived once, none twice, and the page shows the result.
    await page.waitForFunction(
      () => document.getElementById('sweep-state')?.textContent === 'completed',
      undefined,
      {
        timeout: 180_000,
      },
    );
    const events = (await (
      await fetch(`${cluster.api}/v1/sweeps/${sweep.id}/events?limit=1000`)
    ).json()) as {
      events: { id: string }[];
    };
    await page.waitForFunction(
      (last) => document.getElementById('events')?.dataset.last === last,
      events.events.at(-1)!.id,
    );
    // The page streamed from the log position of its first overview: it got exactly what followed.
    expect(await dataNumber(page, '#events', 'duplicates')).toBe(0);
    const from = await page.$eval('#events', (el) => (el as HTMLElement).dataset.from ?? '');
    const expected = events.events.filter((e) => compareEntryIds(e.id, from) > 0).length;
    expect(expected).toBeGreaterThan(seenBefore);
    expect(await dataNumber(page, '#events', 'count')).toBe(expected);

    const final = (await (await fetch(`${cluster.api}/v1/sweeps/${sweep.id}`)).json()) as SweepView;
    expect(Number(await factText(page, 'completed'))).toBe(final.counts.completed);
    expect(Number(await factText(page, 'pruned'))).toBe(final.counts.pruned);
    expect(await page.$$eval('#trials tbody tr', (rows) => rows.length)).toBe(
      Math.min(25, final.trials),
    );
    // Ranked best first, as the leaderboard ranks them.
    const board = (await (
      await fetch(`${cluster.api}/v1/sweeps/${sweep.id}/leaderboard?limit=3`)
    ).json()) as {
      trials: { number: number }[];
    };
    const firstRows = await page.$$eval('#trials tbody tr', (rows) =>
      rows.slice(0, 3).map((r) => Number((r as HTMLElement).dataset.trial)),
    );
    expect(firstRows).toEqual(board.trials.map((t) => t.number));

    // A pruned trial's curve says why on hover; its detail lists its attempts and reason.
    expect(final.counts.pruned).toBeGreaterThan(0);
    const tip = await page.evaluate(() => {
      const el = document.getElementById('curves-chart') as HTMLElement & {
        chart: {
          getOption(): { series: { name: string }[] };
          dispatchAction(a: unknown): void;
        };
      };
      const cut = el.chart.getOption().series.findIndex((s) => s.name === 'cut');
      el.chart.dispatchAction({ type: 'showTip', seriesIndex: cut, dataIndex: 0 });
      return document.querySelector('#curves-chart div[style*="z-index"]')?.textContent ?? '';
    });
    expect(tip).toMatch(/pruned.*median: .* @ step \d+/s);
    const pruned = await page.$eval('#trials tbody tr:has(.state.pruned)', (r) =>
      Number((r as HTMLElement).dataset.trial),
    );
    await page.click(`#trials tbody tr[data-trial="${pruned}"]`);
    await page.waitForSelector('#trial-detail:not([hidden]) #attempts');
    expect(await page.textContent('#trial-reason')).toMatch(/^median: /);
    await page.screenshot({ path: artifact('sweep-done.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
    doneSweep = final;
  });

  it('writes a report that draws the sweep from the file alone, with no server', async () => {
    expect(doneSweep).toBeDefined();
    const sweep = doneSweep!;
    const file = join(mkdtempSync(join(tmpdir(), 'rung-report-')), 'report.html');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, 'report', sweep.id, '-o', file],
      { env: { ...process.env, RUNG_API_URL: cluster.api, INIT_CWD: '' } },
    );
    expect(stdout).toContain(`Wrote ${file}`);
    expect(statSync(file).size).toBeGreaterThan(100_000);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Nothing but the file itself may load: the report is self-contained.
    const requests: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-complete]', { state: 'attached', timeout: 30_000 });
    expect(requests).toEqual([]);
    expect(await page.textContent('#summary h1')).toContain('dashboard-e2e');
    expect(Number(await factText(page, 'completed'))).toBe(sweep.counts.completed);
    expect(await page.$('[data-action]')).toBeNull();
    expect(await page.$$eval('#trials tbody tr', (rows) => rows.length)).toBe(
      Math.min(25, sweep.trials),
    );
    await page.screenshot({ path: artifact('report.png'), fullPage: true });
    await page.close();
  });
});

describe('the dashboard, with tokens', () => {
  const ADMIN = 'admin-secret-for-the-dashboard-test';
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster(inject('redisUrl'), {
      workers: 1,
      env: { RUNG_ADMIN_TOKEN: ADMIN },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('asks for a token, and offers actions only to a token whose scope allows them', async () => {
    const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    const created = await fetch(`${cluster.api}/v1/sweeps`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/yaml' },
      body: 'name: guarded\nmethod: random\ntrainer: sleep\nparameters: { x: { min: 0, max: 1 } }\nrun_cap: 200\nparallelism: 1\n',
    });
    const { sweep } = (await created.json()) as { sweep: SweepView };
    const tokenFor = async (scope: string) =>
      (
        (await (
          await fetch(`${cluster.api}/v1/tokens`, {
            method: 'POST',
            headers: admin,
            body: JSON.stringify({ name: `dash-${scope}`, scope }),
          })
        ).json()) as { token: string }
      ).token;

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${cluster.api}/#/sweeps/${sweep.id}`);
    // Without a token: the API refuses, the page says so and asks for one.
    await page.waitForSelector('#token-form:not([hidden])');
    await page.waitForSelector('.banner:not([hidden])');
    expect(await page.textContent('.banner')).toMatch(/Bearer/);

    // A read token: the sweep shows, its actions stay disabled.
    await page.fill('#token-input', await tokenFor('read'));
    await page.click('#token-form button');
    await page.waitForSelector('body[data-complete]', { state: 'attached', timeout: 30_000 });
    await page.waitForSelector('#token-form[hidden]', { state: 'attached' });
    expect(await page.isDisabled('[data-action="pause"]')).toBe(true);
    expect(await page.isDisabled('[data-action="cancel"]')).toBe(true);

    // A submit token (the page keeps its token in localStorage, across reloads): the actions work.
    const submit = await tokenFor('submit');
    await page.evaluate((t) => localStorage.setItem('rung.token', t), submit);
    await page.reload();
    await page.waitForSelector('[data-action="cancel"]:not([disabled])');
    page.once('dialog', (d) => void d.accept());
    await page.click('[data-action="cancel"]');
    await page.waitForFunction(
      () => document.getElementById('sweep-state')?.textContent === 'cancelled',
    );
    await page.screenshot({ path: artifact('tokens.png'), fullPage: true });
    await page.close();
  });
});

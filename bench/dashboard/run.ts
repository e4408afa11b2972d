/**
 * `npm run bench:dashboard -- [--trials 10000] [--steps 50] [--pruned 0.3] [--runs 5] [--out f.json]`:
 * how fast the dashboard is at scale. Seeds a finished sweep into a private redis-server (lc-mlp
 * curves, every trial reporting each step), serves it from the real scheduler (its built dist),
 * and opens the sweep page in headless Chromium: the overview's build time and size, the time to
 * the first meaningful paint (the top of the page, summary and optimization history, on screen:
 * `data-painted`) and the full picture (all five charts: `data-complete`), with the scheduler's
 * overview cold and cached, and the delay of interactions — brushing a parallel axis,
 * hovering the learning curves, sorting the table — until the next frame is drawn.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { freePort, RedisStore, startLocalRedis } from '@rung/store';
import { Redis } from 'ioredis';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../../test/support/browser.js';
import { SCHEDULER } from '../../test/support/cluster.js';
import { percentile } from '../scale/stats.js';
import { positiveInt, runMain, userPath, writeText } from '../search/cli.js';
import { benchSpec, type CurveFamily, seedSweep } from './seed.js';

/** The learning-curve family (the prune benchmark's copy of `../shared/bench/lc-mlp.mjs`). */
const FAMILY = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'prune',
  'objectives',
  'lc-mlp.mjs',
);

const USAGE = `usage: npm run bench:dashboard -- [--trials N] [--steps S] [--pruned share] [--runs R] [--out file.json]

  --trials  trials of the sweep (default 10000)
  --steps   reports of a trial run to the end (default 50)
  --pruned  share of trials pruned part-way (default 0.3)
  --runs    page loads measured with the overview cached (default 5)
  --out     also write the figures as JSON`;

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Paint {
  /** ms from navigation to the first meaningful paint. */
  painted: number;
  /** … to every chart drawn. */
  complete: number;
}

/** Loads the sweep page in a fresh page. */
async function paint(page: Page, url: string): Promise<Paint> {
  await page.goto(url);
  await page.waitForSelector('body[data-complete]', { state: 'attached', timeout: 120_000 });
  return page.evaluate(() => ({
    painted: Number(document.body.dataset.painted),
    complete: Number(document.body.dataset.complete),
  }));
}

/** Where a page load's time went: the marks the dashboard sets, ms from navigation. */
async function marks(page: Page): Promise<string> {
  const list = await page.evaluate(() =>
    performance
      .getEntriesByType('mark')
      .filter((m) => m.name.startsWith('rung:'))
      .map((m) => `${m.name.slice(5)} ${Math.round(m.startTime)}`),
  );
  return list.join(', ');
}

type Interaction = 'brush' | 'hover' | 'sort';

/** Does one interaction in the page and measures until the frame after it is drawn. */
async function frameAfter(page: Page, kind: Interaction, i: number): Promise<number> {
  return page.evaluate(
    async ({ kind, i }) => {
      type Charted = HTMLElement & { chart: { dispatchAction(a: unknown): void } };
      const t0 = performance.now();
      if (kind === 'brush') {
        // Select a band of the metric axis (the last one), as dragging along it does.
        const el = document.getElementById('parallel-chart') as Charted;
        const lo = 0.15 + i * 0.02;
        el.chart.dispatchAction({
          type: 'axisAreaSelect',
          parallelAxisIndex: 5,
          intervals: [[lo, lo + 0.1]],
        });
      } else if (kind === 'hover') {
        const el = document.querySelector('#curves-chart canvas')!.parentElement!;
        const r = el.getBoundingClientRect();
        el.dispatchEvent(
          new MouseEvent('mousemove', {
            clientX: r.left + r.width * (0.1 + i * 0.08),
            clientY: r.top + r.height * 0.6,
            bubbles: true,
          }),
        );
      } else {
        (
          document.querySelector(`th[data-sort="${i % 2 ? 'value' : 'param:lr'}"]`) as HTMLElement
        ).click();
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t0;
    },
    { kind, i },
  );
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      trials: { type: 'string' },
      steps: { type: 'string' },
      pruned: { type: 'string' },
      runs: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const trials = positiveInt('trials', values.trials, 10_000);
  const steps = positiveInt('steps', values.steps, 50);
  const runs = positiveInt('runs', values.runs, 5);
  const prunedShare = Number(values.pruned ?? 0.3);
  if (!(prunedShare >= 0 && prunedShare < 1)) throw new Error('--pruned: a share in [0, 1)');
  const family = (await import(pathToFileURL(FAMILY).href)).default as CurveFamily;

  const dir = mkdtempSync(join(tmpdir(), 'rung-bench-dashboard-'));
  const redis = await startLocalRedis({ dir });
  const prefix = `dash-${Date.now()}:`;
  const connection = new Redis(redis.url);
  const store = new RedisStore(connection, { prefix });
  const sweepId = 'sw-dashboard-bench';
  let scheduler: ChildProcess | undefined;
  const browser = await launchBrowser();
  try {
    const t0 = Date.now();
    await store.createSweep({
      id: sweepId,
      spec: benchSpec(family, trials),
      sampler: 'random',
      warnings: [],
      now: Date.now(),
    });
    const seeded = await seedSweep(store, sweepId, family, {
      trials,
      steps,
      prunedShare,
      onProgress: (done) => {
        if (done % 1000 === 0 || done === trials) log(`seeded ${done}/${trials} trials`);
      },
    });
    log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${seeded.reports} reports`);

    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    /** A fresh scheduler process: nothing cached. */
    const startScheduler = async () => {
      if (scheduler) {
        const exited = new Promise((r) => scheduler!.once('exit', r));
        scheduler.kill('SIGTERM');
        await exited;
      }
      scheduler = spawn(process.execPath, [SCHEDULER], {
        env: {
          ...process.env,
          REDIS_URL: redis.url,
          RUNG_PREFIX: prefix,
          RUNG_PORT: String(port),
          RUNG_HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
        },
        stdio: 'inherit',
      });
      for (let i = 0; ; i++) {
        const up = await fetch(`${api}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (up) break;
        if (i > 150) throw new Error('the scheduler did not start');
        await new Promise((r) => setTimeout(r, 200));
      }
      // Its start-up pass over the sweep (10,000 trials) first: measured alone, not beside it.
      await new Promise((r) => setTimeout(r, 5000));
    };
    const url = `${api}/#/sweeps/${sweepId}`;
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });

    // The overview: built by a fresh scheduler, then from its cache.
    await startScheduler();
    const t1 = performance.now();
    const body = Buffer.from(
      await (await fetch(`${api}/v1/sweeps/${sweepId}/overview`)).arrayBuffer(),
    );
    const overviewMs = performance.now() - t1;
    const t2 = performance.now();
    await (await fetch(`${api}/v1/sweeps/${sweepId}/overview`)).arrayBuffer();
    const cachedMs = performance.now() - t2;

    // Page loads with the overview cached, then one from a fresh scheduler (it builds it).
    const warm: Paint[] = [];
    for (let r = 0; r < runs; r++) {
      const page = await context.newPage();
      warm.push(await paint(page, url));
      log(`  ${await marks(page)}`);
      await page.close();
    }
    const painted = warm.map((p) => p.painted);
    const complete = warm.map((p) => p.complete);
    log(
      `first paint, overview cached: ${painted.join(', ')} ms; complete ${complete.join(', ')} ms`,
    );
    await startScheduler();
    const cold = await paint(await context.newPage(), url);
    log(`first paint, overview cold: ${cold.painted} ms; complete ${cold.complete} ms`);

    // Interactions on a loaded page.
    const page = await context.newPage();
    await paint(page, url);
    const brush: number[] = [];
    const hover: number[] = [];
    const sort: number[] = [];
    for (let i = 0; i < 10; i++) {
      brush.push(await frameAfter(page, 'brush', i));
      hover.push(await frameAfter(page, 'hover', i));
      sort.push(await frameAfter(page, 'sort', i));
    }
    const figures = {
      trials,
      steps,
      reports: seeded.reports,
      pruned: seeded.pruned,
      overview: {
        buildMs: Math.round(overviewMs),
        cachedMs: Math.round(cachedMs),
        bytes: body.length,
        gzipBytes: gzipSync(body).length,
      },
      firstPaintMs: {
        cold: cold.painted,
        cachedP50: percentile(painted, 0.5),
        cachedMax: Math.max(...painted),
      },
      allChartsMs: {
        cold: cold.complete,
        cachedP50: percentile(complete, 0.5),
        cachedMax: Math.max(...complete),
      },
      interactionMs: {
        brushP50: Math.round(percentile(brush, 0.5)),
        brushMax: Math.round(Math.max(...brush)),
        hoverP50: Math.round(percentile(hover, 0.5)),
        hoverMax: Math.round(Math.max(...hover)),
        sortP50: Math.round(percentile(sort, 0.5)),
        sortMax: Math.round(Math.max(...sort)),
      },
    };
    console.log(
      [
        `dashboard at ${trials.toLocaleString('en')} trials, ${seeded.reports.toLocaleString('en')} reports (${seeded.pruned} pruned)`,
        `  overview: built in ${figures.overview.buildMs} ms, cached ${figures.overview.cachedMs} ms, ${(body.length / 1e6).toFixed(2)} MB (${(figures.overview.gzipBytes / 1e6).toFixed(2)} MB gzipped)`,
        `  first meaningful paint (summary and history, the top of the page): ${cold.painted} ms with the overview cold, ${figures.firstPaintMs.cachedP50} ms cached (p50 of ${runs}; max ${figures.firstPaintMs.cachedMax}) — target 1500 ms`,
        `  all five charts drawn: ${cold.complete} ms cold, ${figures.allChartsMs.cachedP50} ms cached (p50; max ${figures.allChartsMs.cachedMax})`,
        `  brush a parallel axis → frame: p50 ${figures.interactionMs.brushP50} ms, max ${figures.interactionMs.brushMax} ms`,
        `  hover the learning curves → frame: p50 ${figures.interactionMs.hoverP50} ms, max ${figures.interactionMs.hoverMax} ms`,
        `  sort the trial table → frame: p50 ${figures.interactionMs.sortP50} ms, max ${figures.interactionMs.sortMax} ms`,
      ].join('\n'),
    );
    if (values.out)
      log(`wrote ${writeText(userPath(values.out), `${JSON.stringify(figures, null, 2)}\n`)}`);
  } finally {
    await browser.close();
    if (scheduler && scheduler.exitCode === null) {
      const exited = new Promise((r) => scheduler!.once('exit', r));
      scheduler.kill('SIGTERM');
      await exited;
    }
    await store.close().catch(() => {});
    connection.disconnect();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

runMain(() => main(process.argv.slice(2)));

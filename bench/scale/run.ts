/**
 * `npm run bench:scale -- [--parts overhead,pass,reports,memory] [--trials 2000] [--slots 16]
 * [--seconds 1] [--sweeps 100] [--history 10000] [--rate 5000] [--out f.json]`: what the cluster
 * costs at scale (issue #7's figures), against a private redis-server and real processes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalRedis } from '@rung/store';
import { list, positiveInt, runMain, userPath, writeText } from '../search/cli.js';
import { type CancelFigures, measureCancel } from './cancel.js';
import { type GapFigures, measureGaps } from './gap.js';
import { type HealthFigures, measureHealth } from './health.js';
import { measureSchedulerMemory } from './memory.js';
import { measureOverhead, type OverheadFigures } from './overhead.js';
import { measurePass, type PassFigures } from './pass.js';
import { measureReports, type ReportFigures } from './reports.js';

const PARTS = ['overhead', 'gap', 'pass', 'reports', 'memory', 'health', 'cancel'] as const;

const USAGE = `usage: npm run bench:scale -- [--parts ${PARTS.join(',')}] [--trials N] [--slots S]
         [--seconds T] [--sweeps K] [--history H] [--rate R] [--out file.json]

  --parts    which measurements (default: all); memory needs pass (it reuses its store)
  --trials   overhead: trials of the sleep trainer (default 2000)
  --slots    overhead: trial slots, over 2 worker processes (default 16)
  --seconds  overhead: seconds per trial, in 10 reports (default 1)
  --sweeps   pass: sweeps stored (default 100)
  --history  pass: finished trials per sweep at the largest size (default 10000); measured at
             1/1000, 1/100, 1/10 and all of it
  --rate     reports: reports per second from 64 trials (default 5000)
  health: /healthz latency while a 300-trial GP sweep suggests and 1 MB specs are submitted
  cancel: cancelling a sweep whose 50,000 trials are all queued, with their jobs
  gap: dead time on a slot between two trials (sleep and mlp trainers, 30 trials each)
  --out      also write the figures as JSON`;

export interface ScaleResult {
  overhead?: OverheadFigures;
  pass?: PassFigures & { bySize: PassFigures[] };
  reports?: ReportFigures;
  schedulerRssMb?: number;
  schedulerLoadS?: number;
  health?: HealthFigures;
  cancel?: CancelFigures;
  gaps?: GapFigures[];
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      parts: { type: 'string' },
      trials: { type: 'string' },
      slots: { type: 'string' },
      seconds: { type: 'string' },
      sweeps: { type: 'string' },
      history: { type: 'string' },
      rate: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const parts = list(values.parts) ?? [...PARTS];
  for (const p of parts) {
    if (!(PARTS as readonly string[]).includes(p))
      throw new Error(`--parts: unknown "${p}", use ${PARTS.join(', ')}`);
  }
  if (parts.includes('memory') && !parts.includes('pass'))
    throw new Error('--parts: memory needs pass');
  const seconds = Number(values.seconds ?? 1);
  if (!(seconds > 0))
    throw new Error(`--seconds must be a positive number, got "${values.seconds}"`);
  const history = positiveInt('history', values.history, 10_000);
  const result: ScaleResult = {};

  if (parts.includes('overhead')) {
    result.overhead = await measureOverhead({
      trials: positiveInt('trials', values.trials, 2000),
      slots: positiveInt('slots', values.slots, 16),
      seconds,
      onProgress: progress,
    });
  }
  if (parts.includes('gap')) result.gaps = await measureGaps(30, progress);
  if (parts.some((p) => p !== 'overhead' && p !== 'gap')) {
    const dir = mkdtempSync(join(tmpdir(), 'rung-bench-redis-'));
    const redis = await startLocalRedis({ dir });
    try {
      const prefix = `scale-${Date.now()}:`;
      // Reports first, on a fresh store: the pass below leaves a million trials in Redis.
      if (parts.includes('reports')) {
        progress('reports: seeding peers, then 10 s of load');
        result.reports = await measureReports({
          redisUrl: redis.url,
          perSecond: positiveInt('rate', values.rate, 5000),
        });
      }
      if (parts.includes('pass')) {
        const sizes = [
          ...new Set([
            Math.max(1, Math.floor(history / 1000)),
            Math.max(1, Math.floor(history / 100)),
            Math.max(1, Math.floor(history / 10)),
            history,
          ]),
        ];
        const bySize = await measurePass({
          redisUrl: redis.url,
          prefix,
          sweeps: positiveInt('sweeps', values.sweeps, 100),
          sizes,
          onProgress: progress,
        });
        result.pass = { ...bySize.at(-1)!, bySize };
      }
      if (parts.includes('memory')) {
        const memory = await measureSchedulerMemory(redis.url, prefix);
        result.schedulerRssMb = memory.schedulerRssMb;
        result.schedulerLoadS = memory.loadS;
      }
      if (parts.includes('cancel')) {
        progress('cancel: queueing 50,000 trials and their jobs');
        result.cancel = await measureCancel(redis.url);
      }
      if (parts.includes('health')) {
        progress('health: 300 GP trials first, then 10 s of polling under load');
        result.health = await measureHealth(redis.url);
      }
    } finally {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(renderTable(result));
  if (values.out) writeText(userPath(values.out), `${JSON.stringify(result, null, 2)}\n`);
}

/** The figures as markdown, beside the targets of issue #7. */
export function renderTable(r: ScaleResult): string {
  const rows: string[] = ['| measure | figure | target |', '|---|---|---|'];
  if (r.overhead) {
    const o = r.overhead;
    rows.push(
      `| overhead: ${o.trials} × ${(o.idealS * o.slots) / o.trials} s trials on ${o.slots} slots | ${o.wallS} s wall / ${o.idealS} s ideal = **${o.ratio}** (${o.notCompleted} not completed) | ≤ 1.05 (Ray Tune 1.14) |`,
    );
  }
  for (const p of r.pass?.bySize ?? []) {
    rows.push(
      `| pass creating one trial, ${p.sweeps} sweeps × ${p.historyTrials / p.sweeps} stored (${p.historyTrials}) | p50 ${p.p50Ms} ms, p99 **${p.p99Ms} ms**; **${p.redisCallsPerTrial}** Redis calls a trial (${p.redisCommandsPerTrial} commands with those inside scripts); loaded in ${p.rebuildS} s | p99 ≤ 20 ms, calls flat |`,
    );
  }
  if (r.reports) {
    const x = r.reports;
    rows.push(
      `| report → decision, ${x.trials} trials at ${x.perSecond}/s (${x.peers}+ completed peers) | p50 ${x.p50Ms} ms, p99 **${x.p99Ms} ms** | p99 ≤ 20 ms at 5,000/s |`,
    );
  }
  if (r.health) {
    const h = r.health;
    rows.push(
      `| /healthz while a 300-trial GP sweep suggests (${h.gpSuggestions} suggestions) and ${h.bigSpecs} specs of 1 MB are validated (${h.bigSpecMs} ms each) | p50 ${h.p50Ms} ms, p99 **${h.p99Ms} ms**, max ${h.maxMs} ms (${h.polls} polls) | p99 ≤ 50 ms |`,
    );
  }
  for (const g of r.gaps ?? []) {
    rows.push(
      `| slot gap, ${g.trainer} trainer (${g.trials} trials on 1 slot): one trial's end to the next one's trainer ready | p50 **${g.p50Ms} ms**, p90 ${g.p90Ms} ms, max ${g.maxMs} ms | ≤ 100 ms p50 |`,
    );
  }
  if (r.cancel) {
    const c = r.cancel;
    rows.push(
      `| cancelling a sweep with ${c.trials} queued trials and their jobs | **${c.seconds} s** (${c.cancelled} cancelled, ${c.jobsLeft} jobs left) | seconds (was ~6 min) |`,
    );
  }
  if (r.schedulerRssMb !== undefined) {
    rows.push(
      `| scheduler RSS with ${r.pass?.historyTrials ?? '?'} trials stored (live sweeps loaded in ${r.schedulerLoadS} s) | **${r.schedulerRssMb} MB** | — |`,
    );
  }
  return rows.join('\n');
}

runMain(() => main(process.argv.slice(2)));

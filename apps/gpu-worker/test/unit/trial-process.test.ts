import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { StartMessage } from '../../src/trial-process/protocol.js';
import {
  startTrialProcess,
  type TrialProcessOptions,
} from '../../src/trial-process/trial-process.js';

/** Where trials would keep checkpoints: these trainers save none, so it is never created. */
const CHECKPOINT_DIR = path.join(tmpdir(), 'rung-test-no-checkpoints');

const here = path.dirname(fileURLToPath(import.meta.url));
const SCRIPTED = path.join(here, '../fixtures/scripted-trainer.ts');

type Report = { step: number; metrics: Record<string, number> };

/** Starts the scripted fixture trainer, collecting its reports and log lines. */
function startScripted(script: Record<string, unknown>, extra: Partial<TrialProcessOptions> = {}) {
  const reports: Report[] = [];
  const logs: string[] = [];
  const proc = startTrialProcess({
    trialId: 't-1',
    trainer: { name: 'scripted', module: SCRIPTED, options: script },
    params: { x: 6 },
    seed: 42,
    checkpointDir: CHECKPOINT_DIR,
    onReport: (step, metrics) => {
      reports.push({ step, metrics });
    },
    onLog: (line) => logs.push(line),
    ...extra,
  });
  return { proc, reports, logs };
}

/** Resolves at the first report, so a test acts while the trainer is mid-run. */
function firstReport() {
  let resolve!: () => void;
  const seen = new Promise<void>((r) => {
    resolve = r;
  });
  return { seen, onReport: () => resolve() };
}

describe('startTrialProcess', () => {
  it('delivers reports in order, one at a time, then the result', async () => {
    const steps: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const proc = startTrialProcess({
      trialId: 't-order',
      trainer: { name: 'scripted', module: SCRIPTED, options: { steps: 6 } },
      params: { x: 6 },
      seed: 7,
      checkpointDir: CHECKPOINT_DIR,
      // The first write is the slowest: if calls overlapped, later steps would land first.
      onReport: async (step) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, step === 1 ? 150 : 5));
        steps.push(step);
        inFlight--;
      },
    });
    expect(proc.pid).toBeGreaterThan(0);
    const outcome = await proc.done;
    expect(outcome).toEqual({ kind: 'result', metrics: { loss: 1, final: 1 }, backend: 'none' });
    // done settles only after the last report was delivered.
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    expect(maxInFlight).toBe(1);
  });

  it('announces the backend before the first report, however slow the announcement is', async () => {
    const events: string[] = [];
    const proc = startTrialProcess({
      trialId: 't-ready',
      trainer: { name: 'scripted', module: SCRIPTED, options: { steps: 2 } },
      params: { x: 6 },
      seed: 7,
      checkpointDir: CHECKPOINT_DIR,
      onReady: async (backend) => {
        await new Promise((r) => setTimeout(r, 100));
        events.push(`ready:${backend}`);
      },
      onReport: (step) => {
        events.push(`report:${step}`);
      },
    });
    await proc.done;
    expect(events).toHaveLength(3);
    expect(events[0]).toMatch(/^ready:/);
    expect(events.slice(1)).toEqual(['report:1', 'report:2']);
  });

  it('passes params, seed, options and env to the trainer', async () => {
    const { proc, reports, logs } = startScripted(
      { steps: 2, logEnv: 'CUDA_VISIBLE_DEVICES' },
      { env: { CUDA_VISIBLE_DEVICES: '3' } },
    );
    await proc.done;
    expect(reports).toEqual([
      { step: 1, metrics: { loss: 6, seed: 42 } },
      { step: 2, metrics: { loss: 3, seed: 42 } },
    ]);
    expect(logs).toContain('CUDA_VISIBLE_DEVICES=3');
  });

  it('stop() aborts the trainer: kind stopped, not forced, fewer reports', async () => {
    const first = firstReport();
    const { proc, reports } = startScripted(
      { steps: 200, delayMs: 20 },
      {
        onReport: (step, metrics) => {
          reports.push({ step, metrics });
          first.onReport();
        },
      },
    );
    await first.seen;
    proc.stop(10_000);
    const outcome = await proc.done;
    expect(outcome.kind).toBe('stopped');
    expect(outcome).toMatchObject({ backend: 'none', forced: false });
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.length).toBeLessThan(200);
  });

  it('stop() right after start ends it before training begins', async () => {
    const { proc, reports } = startScripted({ steps: 5 });
    proc.stop();
    expect(await proc.done).toMatchObject({ kind: 'stopped', forced: false });
    expect(reports).toEqual([]);
  });

  it('stop() kills a trainer that ignores the signal once the grace period is over', async () => {
    const first = firstReport();
    const { proc } = startScripted(
      { steps: 1000, delayMs: 20, ignoreStop: true },
      { onReport: first.onReport },
    );
    await first.seen;
    const t0 = Date.now();
    proc.stop(300);
    const outcome = await proc.done;
    expect(outcome).toMatchObject({ kind: 'stopped', forced: true });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });

  it('a SIGKILL from outside is a crash that names the signal', async () => {
    const first = firstReport();
    const { proc } = startScripted({ steps: 1000, delayMs: 20 }, { onReport: first.onReport });
    await first.seen;
    process.kill(proc.pid!, 'SIGKILL');
    const outcome = await proc.done;
    expect(outcome).toMatchObject({ kind: 'crashed', signal: 'SIGKILL', exitCode: null });
    expect(outcome.kind === 'crashed' && outcome.message).toMatch(/killed by SIGKILL/);
  });

  it('an exit without a result is a crash carrying the stderr tail', async () => {
    const { proc, reports } = startScripted({ steps: 5, exitAt: 3, exitCode: 3 });
    const outcome = await proc.done;
    expect(outcome).toMatchObject({ kind: 'crashed', exitCode: 3, signal: null });
    expect(outcome.kind === 'crashed' && outcome.message).toMatch(
      /exited with code 3 without a result[\s\S]*scripted exit at step 3/,
    );
    expect(reports.map((r) => r.step)).toEqual([1, 2]);
  });

  it('a trainer that throws gives kind error with its message and code', async () => {
    const { proc, reports } = startScripted({ steps: 5, failAt: 2 });
    const outcome = await proc.done;
    expect(outcome).toMatchObject({
      kind: 'error',
      message: 'scripted failure at step 2',
      code: 'fixture_fail',
    });
    expect(reports.map((r) => r.step)).toEqual([1]);
  });

  it('a malformed report is an error in the trainer, not a bad record', async () => {
    const { proc, reports } = startScripted({ badMetric: 'NaN' });
    const outcome = await proc.done;
    expect(outcome.kind).toBe('error');
    expect(outcome.kind === 'error' && outcome.message).toMatch(
      /ctx\.report: metrics\.loss must be a finite number; got NaN/,
    );
    expect(reports).toEqual([]);
  });

  it('an unknown built-in trainer is an error naming the ones there are', async () => {
    const proc = startTrialProcess({
      trialId: 't-unknown',
      trainer: { name: 'mlpp' },
      params: {},
      seed: 1,
      checkpointDir: CHECKPOINT_DIR,
      onReport: () => {},
    });
    const outcome = await proc.done;
    expect(outcome).toMatchObject({ kind: 'error', code: 'unknown_trainer' });
    expect(outcome.kind === 'error' && outcome.message).toMatch(/"mlpp".*mlp/);
  });

  it('a failing onReport kills the process and rejects done', async () => {
    const { proc } = startScripted(
      { steps: 1000, delayMs: 20 },
      {
        onReport: () => {
          throw new Error('redis is down');
        },
      },
    );
    await expect(proc.done).rejects.toThrow('redis is down');
  });

  it('runs the built-in mlp trainer on a TensorFlow.js backend', async () => {
    const reports: Report[] = [];
    const proc = startTrialProcess({
      trialId: 't-mlp',
      trainer: { name: 'mlp', options: { samples: 300, epochs: 2 } },
      params: { hidden_units: 16 },
      seed: 3,
      checkpointDir: CHECKPOINT_DIR,
      onReport: (step, metrics) => {
        reports.push({ step, metrics });
      },
    });
    const outcome = await proc.done;
    expect(outcome.kind).toBe('result');
    if (outcome.kind !== 'result') return;
    expect(['tensorflow', 'wasm', 'cpu']).toContain(outcome.backend);
    expect(reports.map((r) => r.step)).toEqual([1, 2]);
    expect(Object.keys(reports[0]!.metrics).sort()).toEqual([
      'accuracy',
      'loss',
      'val_accuracy',
      'val_loss',
    ]);
    expect(outcome.metrics).toEqual(reports[1]!.metrics);
  }, 30_000);
});

describe('trial child process', () => {
  it('exits when its parent goes away, leaving no orphan', async () => {
    // Forked by hand, to cut the channel the way a dying worker would.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = fork(path.join(here, '../../src/trial-process/child.ts'), [], {
      execArgv: ['--conditions=@rung/source', '--import', tsx],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const start: StartMessage = {
      type: 'start',
      trialId: 't-orphan',
      trainer: { name: 'scripted', module: SCRIPTED, options: { steps: 100_000, delayMs: 20 } },
      params: {},
      seed: 1,
      checkpointDir: CHECKPOINT_DIR,
    };
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await new Promise<void>((r) => {
      child.on('message', (m: { type: string }) => {
        if (m.type === 'report') r();
      });
      child.send(start);
    });
    child.disconnect();
    await expect(exited).resolves.toBe(1);
  });
});

import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SpareProcesses } from '../../src/trial-process/spare-processes.js';
import { forkTrialProcess, startTrialProcess } from '../../src/trial-process/trial-process.js';

/** Where trials would keep checkpoints: these trainers save none, so it is never created. */
const CHECKPOINT_DIR = path.join(tmpdir(), 'rung-test-no-checkpoints');

const here = path.dirname(fileURLToPath(import.meta.url));
const REUSABLE = path.join(here, '../fixtures/reusable-trainer.ts');
const SCRIPTED = path.join(here, '../fixtures/scripted-trainer.ts');

const idle: ChildProcess[] = [];
afterEach(() => {
  for (const c of idle.splice(0)) c.kill('SIGKILL');
});

function run(child: ChildProcess | undefined, options: Record<string, unknown>, module = REUSABLE) {
  const reports: Record<string, number>[] = [];
  let back: ChildProcess | undefined;
  let reported!: () => void;
  const firstReport = new Promise<void>((r) => {
    reported = r;
  });
  const proc = startTrialProcess(
    {
      trialId: 't',
      trainer: { name: 'reusable', module, options },
      params: {},
      seed: 1,
      checkpointDir: CHECKPOINT_DIR,
      onReport: (_step, metrics) => {
        reports.push(metrics);
        reported();
      },
      onIdle: (c) => {
        back = c;
        idle.push(c);
      },
    },
    child,
  );
  return { proc, reports, firstReport, back: () => back };
}

describe('a reusable trainer’s process', () => {
  it('runs one trial after another, and the earlier trial hears nothing of the next', async () => {
    const first = run(undefined, { steps: 3 });
    expect(await first.proc.done).toMatchObject({ kind: 'result', metrics: { trialsRun: 1 } });
    const child = first.back();
    expect(child?.pid).toBe(first.proc.pid);
    expect(child?.exitCode).toBeNull();

    const second = run(child, { steps: 4 });
    const outcome = await second.proc.done;
    expect(outcome).toMatchObject({
      kind: 'result',
      metrics: { pid: first.proc.pid, trialsRun: 2 },
    });
    expect(second.reports).toHaveLength(4);
    expect(first.reports).toHaveLength(3);
    expect(second.back()).toBe(child);
  });

  it('comes back after a stopped trial too, and a killed one does not', async () => {
    const first = run(undefined, { steps: 1000, delayMs: 5 });
    await first.firstReport;
    first.proc.stop(2000);
    expect((await first.proc.done).kind).toBe('stopped');
    const child = first.back();
    expect(child?.exitCode).toBeNull();

    const second = run(child, { steps: 1000, delayMs: 5 });
    await second.firstReport;
    second.proc.kill();
    expect((await second.proc.done).kind).toBe('stopped');
    expect(second.back()).toBeUndefined();
  });

  it('is not kept for a trainer that is not reusable', async () => {
    const once = run(undefined, { steps: 2 }, SCRIPTED);
    expect((await once.proc.done).kind).toBe('result');
    expect(once.back()).toBeUndefined();
  });

  it('is kept by the spare pool, which then forks no successor for it', async () => {
    const forks: number[] = [];
    const spares = new SpareProcesses((env) => {
      const c = forkTrialProcess(env);
      forks.push(c.pid!);
      return c;
    });
    try {
      spares.prepare('cpu:0', {});
      const fresh = spares.take('cpu:0', {});
      expect(forks).toHaveLength(2);
      const trial = run(fresh, { steps: 1 });
      await trial.proc.done;
      spares.release('cpu:0', trial.back()!);
      const reused = spares.take('cpu:0', {});
      expect(reused).toBe(trial.back());
      // The successor forked for the fresh process was let go, and none was forked for this one.
      expect(forks).toHaveLength(2);
    } finally {
      spares.close();
    }
  });
});

/**
 * A real PyTorch training script (Debian's python3-torch; scripts/ensure-python.sh installs it)
 * run as a command trainer in a real trial process: it reports every epoch, stops on the SIGTERM
 * a prune sends, and a retried attempt resumes from its checkpoint where the first one died.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startTrialProcess } from '../../src/trial-process/trial-process.js';

const PROGRAMS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/programs');

/** The first Python that imports torch (pyenv's python3 may shadow Debian's, which has it). */
function torchPython(): string {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  throw new Error('no python3 with torch: run scripts/ensure-python.sh (installs python3-torch)');
}
const PYTHON = torchPython();

function train(params: Record<string, unknown>, checkpointDir: string, resumeStep?: number) {
  const reports: [number, number][] = [];
  const checkpoints: number[] = [];
  let reported!: () => void;
  const firstReport = new Promise<void>((r) => {
    reported = r;
  });
  const proc = startTrialProcess({
    trialId: 'sw-torch-0',
    trainer: {
      name: 'torch-train-py',
      command: { cwd: PROGRAMS, program: 'torch_train.py', interpreter: PYTHON },
    },
    params: params as never,
    seed: 3,
    checkpointDir,
    ...(resumeStep !== undefined && { resumeStep }),
    onReport: (step, metrics) => {
      reports.push([step, metrics.val_loss!]);
      reported();
    },
    onCheckpoint: (step) => {
      checkpoints.push(step);
    },
  });
  return { proc, reports, checkpoints, firstReport };
}

const newFolder = () => path.join(mkdtempSync(path.join(tmpdir(), 'rung-torch-')), 'sw', '0');

// Each run starts Python and imports torch (about a second here).
describe('a PyTorch script as a command trainer', { timeout: 30_000 }, () => {
  it('reports every epoch and learns', async () => {
    const run = train({ lr: 0.01 }, newFolder());
    expect(await run.proc.done).toMatchObject({
      kind: 'result',
      metrics: { val_loss: expect.any(Number) },
    });
    expect(run.reports.map(([step]) => step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(run.reports.at(-1)![1]).toBeLessThan(run.reports[0]![1] * 0.8);
    expect(run.checkpoints).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('stops at the SIGTERM of a prune, between batches, before the grace period ends', async () => {
    const run = train({ epochs: 50, epoch_seconds: 0.5 }, newFolder());
    await run.firstReport;
    run.proc.stop(10_000);
    const outcome = await run.proc.done;
    expect(outcome).toMatchObject({ kind: 'stopped', forced: false });
    expect(run.reports.length).toBeLessThan(50);
  });

  it('resumes a retried attempt from the checkpoint the first one left', async () => {
    const whole = train({}, newFolder());
    await whole.proc.done;

    const folder = newFolder();
    const crashed = train({ crash_after: 3 }, folder);
    expect(await crashed.proc.done).toMatchObject({ kind: 'error' });
    expect(crashed.checkpoints).toEqual([1, 2, 3]);
    const retried = train({}, folder, 3);
    expect(await retried.proc.done).toMatchObject({ kind: 'result' });
    // Steps 4–6, with the losses the uninterrupted run had: the model and optimizer state and
    // the shuffling went on where they were.
    expect(retried.reports.map(([step]) => step)).toEqual([4, 5, 6]);
    for (const [i, [, loss]] of retried.reports.entries()) {
      expect(loss).toBeCloseTo(whole.reports[i + 3]![1], 5);
    }
  });
});

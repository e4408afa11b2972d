/** Command trainers with real programs (Python 3, bash) in real trial processes. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../src/trainers/command/command-trainer.js';
import { startTrialProcess } from '../../src/trial-process/trial-process.js';

/** Where trials would keep checkpoints: these trainers save none, so it is never created. */
const CHECKPOINT_DIR = path.join(tmpdir(), 'rung-test-no-checkpoints');

const PROGRAMS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/programs');

function run(
  command: Omit<CommandSpec, 'cwd'>,
  params: Record<string, unknown>,
  checkpoint: { dir: string; resumeStep?: number } = { dir: CHECKPOINT_DIR },
) {
  const reports: { step: number; metrics: Record<string, number> }[] = [];
  const checkpoints: number[] = [];
  const logs: string[] = [];
  let reported!: () => void;
  const firstReport = new Promise<void>((r) => {
    reported = r;
  });
  const proc = startTrialProcess({
    trialId: 'sw-cmd-7',
    trainer: { name: 'cmd', command: { cwd: PROGRAMS, ...command }, options: {} },
    params: params as never,
    seed: 3,
    checkpointDir: checkpoint.dir,
    ...(checkpoint.resumeStep !== undefined && { resumeStep: checkpoint.resumeStep }),
    onReport: (step, metrics) => {
      reports.push({ step, metrics });
      reported();
    },
    onCheckpoint: (step) => {
      checkpoints.push(step);
    },
    onLog: (line) => logs.push(line),
  });
  return { proc, reports, checkpoints, logs, firstReport };
}

describe('command trainers', () => {
  it('run a script written for W&B unchanged: config over defaults, log, summary', async () => {
    const t = run({ program: 'wandb_train.py' }, { lr: 0.01, layer_1_size: 32 });
    const outcome = await t.proc.done;
    // W&B's steps start at 0; the sweep's lr and layer_1_size beat the script's defaults.
    expect(t.reports.map((r) => r.step)).toEqual([0, 1, 2]);
    expect(t.reports[0]?.metrics).toEqual({ epoch: 0, val_loss: 0.01 * 10 + 1 / 32 });
    expect(outcome).toMatchObject({
      kind: 'result',
      metrics: { val_loss: (0.01 * 10) / 3 + 1 / 32, optimizer_was_adam: 1 },
    });
    expect(t.logs).toContain(
      'running: /usr/bin/env python3 wandb_train.py --lr=0.01 --layer_1_size=32',
    );
  });

  it('read JSON lines and name=value lines from stdout', async () => {
    const t = run(
      {
        program: 'print_metrics.sh',
        metricRegex: '([\\w|-]+)\\s*=\\s*([+-]?\\d*(\\.\\d+)?([Ee][+-]?\\d+)?)',
      },
      {},
    );
    expect((await t.proc.done).kind).toBe('result');
    expect(t.reports).toEqual([
      { step: 1, metrics: { val_loss: 0.9 } },
      { step: 2, metrics: { val_loss: 0.5, accuracy: 0.8 } },
    ]);
    expect(t.logs).toContain('plain output line');
  });

  it('pass parameters as the command says, running the program itself from its folder', async () => {
    const t = run(
      {
        program: 'print_metrics.sh',
        command: ['${program}', '--show-args', '${args_no_hyphens}', '--flag'],
      },
      { lr: 0.5, deep: true },
    );
    expect((await t.proc.done).kind).toBe('result');
    expect(t.logs).toContain('args: lr=0.5 deep=True --flag');
    // Without a regex, name=value lines are output, not metrics.
    expect(t.reports).toEqual([{ step: 1, metrics: { val_loss: 0.9 } }]);
  });

  it('fail with the tail of stderr when the program fails', async () => {
    const t = run({ program: 'crash.py' }, {});
    const outcome = await t.proc.done;
    expect(outcome.kind).toBe('error');
    if (outcome.kind !== 'error') return;
    expect(outcome.message).toMatch(/^the program exited with code 1; stderr:\nTraceback/);
    expect(outcome.message).toMatch(/RuntimeError: out of memory in layer 3$/);
    expect(t.reports).toEqual([{ step: 1, metrics: { val_loss: 1 } }]);
  });

  it('fail clearly when the program cannot run at all', async () => {
    const t = run({ program: 'missing.py', interpreter: 'no-such-python' }, {});
    const outcome = await t.proc.done;
    expect(outcome).toMatchObject({ kind: 'error' });
    if (outcome.kind === 'error') expect(outcome.message).toMatch(/no-such-python/);
  });

  it('stop the whole process group of a program that does not listen', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rung-cmd-'));
    const pidFile = path.join(dir, 'child.pid');
    const t = run(
      { program: 'long_train.py', command: ['${interpreter}', '${program}', pidFile] },
      {},
    );
    await t.firstReport;
    t.proc.stop(5000);
    expect((await t.proc.done).kind).toBe('stopped');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    // Gone, or a zombie waiting for init to reap it: either way, no longer running.
    const state = () => /\) (\w)/.exec(readFileSync(`/proc/${grandchild}/stat`, 'utf8'))?.[1];
    expect(existsSync(`/proc/${grandchild}`) ? state() : 'gone').toMatch(/^(gone|Z)$/);
  });

  it('let a program that checks rung.should_stop() save before it leaves', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rung-cmd-'));
    const saved = path.join(dir, 'saved.txt');
    const t = run(
      { program: 'polite_train.py', command: ['${interpreter}', '${program}', saved] },
      {},
    );
    await t.firstReport;
    t.proc.stop(5000);
    expect((await t.proc.done).kind).toBe('stopped');
    expect(existsSync(saved)).toBe(true);
    expect(readFileSync(saved, 'utf8')).toMatch(/^saved at step \d+$/);
  });

  it('save checkpoints with the helper, and a retried attempt resumes from the last', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'rung-cmd-')), 'sw-1', '0');
    const crashed = run({ program: 'checkpoint_train.py' }, { crash_after: 2 }, { dir });
    expect(await crashed.proc.done).toMatchObject({ kind: 'error' });
    expect(crashed.reports.map((r) => r.step)).toEqual([1, 2]);
    expect(crashed.checkpoints).toEqual([1, 2]);

    const resumed = run({ program: 'checkpoint_train.py' }, {}, { dir, resumeStep: 2 });
    expect(await resumed.proc.done).toMatchObject({ kind: 'result' });
    // It goes on from its saved state: the steps and values of an uninterrupted run.
    expect(resumed.reports.map((r) => [r.step, r.metrics.val_loss])).toEqual([
      [3, 0.125],
      [4, 0.0625],
      [5, 0.03125],
    ]);
    expect(resumed.checkpoints).toEqual([3, 4, 5]);
  });
});

import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SpareProcesses } from '../../src/trial-process/spare-processes.js';
import { forkTrialProcess, startTrialProcess } from '../../src/trial-process/trial-process.js';

/** Where trials would keep checkpoints: these trainers save none, so it is never created. */
const CHECKPOINT_DIR = path.join(tmpdir(), 'rung-test-no-checkpoints');

const SCRIPTED = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/scripted-trainer.ts',
);

let spares: SpareProcesses | undefined;
afterEach(() => spares?.close());

describe('spare trial processes', () => {
  it('hands a slot a process forked ahead, with the slot’s environment, and forks the next', async () => {
    const forked: string[] = [];
    spares = new SpareProcesses((env) => {
      forked.push(env.CUDA_VISIBLE_DEVICES ?? '');
      return forkTrialProcess(env);
    });
    const env = { CUDA_VISIBLE_DEVICES: '3' };
    spares.prepare('gpu:3', env);
    spares.prepare('gpu:3', env);
    expect(forked).toEqual(['3']);
    const spare = spares.take('gpu:3', env);
    expect(spare?.pid).toBeGreaterThan(0);
    expect(forked).toEqual(['3', '3']);

    const reports: number[] = [];
    const logs: string[] = [];
    const proc = startTrialProcess(
      {
        trialId: 't-spare',
        trainer: {
          name: 'scripted',
          module: SCRIPTED,
          options: { steps: 3, logEnv: 'CUDA_VISIBLE_DEVICES' },
        },
        params: { x: 1 },
        seed: 1,
        checkpointDir: CHECKPOINT_DIR,
        onReport: (step) => {
          reports.push(step);
        },
        onLog: (line) => logs.push(line),
      },
      spare,
    );
    expect(proc.pid).toBe(spare?.pid);
    const outcome = await proc.done;
    expect(outcome.kind).toBe('result');
    expect(reports).toEqual([1, 2, 3]);
    expect(logs).toContain('CUDA_VISIBLE_DEVICES=3');
  });

  it('does not hand out a spare that died, and forks none once closed', async () => {
    const local = new SpareProcesses();
    spares = local;
    const env = {};
    local.prepare('cpu:0', env);
    const first = local.take('cpu:0', env)!;
    // The replacement dies while idle: the next take gives nothing, so the caller forks its own.
    const replacement = local.take('cpu:0', env)!;
    first.kill('SIGKILL');
    replacement.kill('SIGKILL');
    await new Promise((r) => replacement.once('exit', r));
    const dead = new SpareProcesses(() => replacement);
    dead.prepare('cpu:0', env);
    expect(dead.take('cpu:0', env)).toBeUndefined();
    dead.close();
    local.close();
    local.prepare('cpu:1', env);
    expect(local.take('cpu:1', env)).toBeUndefined();
  });
});

/**
 * Command trainers on a real cluster: workers that register programs in their config file, a
 * sweep over REST that names one (W&B's `program`), a failing program's reason and output, and
 * `rung logs` reading it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SweepView, Trial } from '@rung/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCluster, type TestCluster, waitFor } from '../support/cluster.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROGRAMS = join(ROOT, 'apps/gpu-worker/test/fixtures/programs');
let cluster: TestCluster;

beforeAll(async () => {
  const config = join(mkdtempSync(join(tmpdir(), 'rung-e2e-config-')), 'rung-worker.yaml');
  writeFileSync(
    config,
    [
      'trainers:',
      '  crash:',
      '    program: crash.py',
      `    cwd: ${PROGRAMS}`,
      '  wandb-train:',
      '    program: wandb_train.py',
      `    cwd: ${PROGRAMS}`,
    ].join('\n'),
  );
  cluster = await startCluster(inject('redisUrl'), {
    workers: 1,
    env: { RUNG_WORKER_CONFIG: config },
  });
});
afterAll(async () => {
  await cluster?.stop();
});

const submit = (yaml: string) => cluster.submit(yaml);

describe('command trainers on a cluster', () => {
  it('run the program a worker registered, named by W&B’s program key', async () => {
    const sweep = await submit(`
program: wandb_train.py
method: grid
metric: { name: val_loss, goal: minimize }
parameters:
  lr: { values: [0.01, 0.1] }
`);
    expect(sweep.spec.trainer.name).toBe('wandb-train');
    const done = await waitFor<SweepView>(
      `${cluster.api}/v1/sweeps/${sweep.id}`,
      (s) => s.state !== 'running',
      60_000,
      cluster.logs,
    );
    expect(done).toMatchObject({ state: 'completed', counts: { completed: 2 } });
    // The summary's value (the best epoch) is the trial's value, as W&B judges a run.
    expect(done.best?.value).toBeCloseTo((0.01 * 10) / 3 + 1 / 8, 10);
  });

  it('fail a trial whose program fails, with its stderr; rung logs shows its output', async () => {
    const sweep = await submit(`
program: crash.py
method: random
parameters:
  x: { value: 1 }
run_cap: 1
parallelism: 1
`);
    await waitFor<SweepView>(
      `${cluster.api}/v1/sweeps/${sweep.id}`,
      (s) => s.state !== 'running',
      60_000,
      cluster.logs,
    );
    const trial = (await (
      await fetch(`${cluster.api}/v1/sweeps/${sweep.id}/trials/0`)
    ).json()) as Trial;
    expect(trial.state).toBe('failed');
    expect(trial.error).toMatch(/^the program exited with code 1; stderr:\nTraceback/);
    expect(trial.error).toMatch(/RuntimeError: out of memory in layer 3$/);

    const logs = spawnSync(
      process.execPath,
      [join(ROOT, 'apps/cli/bin/rung.js'), 'logs', sweep.id, '0'],
      {
        encoding: 'utf8',
        env: { ...process.env, RUNG_API_URL: cluster.api },
      },
    );
    expect(logs.status, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^running: \/usr\/bin\/env python3 crash\.py --x=1$/m);
    expect(logs.stdout).toMatch(/^Traceback \(most recent call last\):$/m);
    expect(logs.stdout).toMatch(/^RuntimeError: out of memory in layer 3$/m);
  });
});

/**
 * GPUs placed and packed, on a real worker whose `nvidia-smi` is a stand-in (two 16 GiB GPUs):
 * half-GPU trials share a GPU two by two, whole-GPU trials never share one, sweeps asking for
 * different shares run side by side without ever putting more than a whole GPU's worth of trials
 * on one, and each trial's GPU-seconds and peak GPU memory are recorded.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SweepView, Trial } from '@rung/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCluster, type TestCluster, waitFor } from '../support/cluster.js';

const FAKE_GPU = fileURLToPath(new URL('../fixtures/fake-gpu', import.meta.url));
let cluster: TestCluster;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rung-e2e-gpu-'));
  const config = join(dir, 'rung-worker.yaml');
  writeFileSync(config, `trainers:\n  gpu-mem:\n    program: gpu_mem.sh\n    cwd: ${FAKE_GPU}\n`);
  cluster = await startCluster(inject('redisUrl'), {
    workers: 1,
    env: {
      RUNG_GPUS: 'auto',
      PATH: `${FAKE_GPU}:${process.env.PATH}`,
      FAKE_GPU_APPS: mkdtempSync(join(dir, 'apps-')),
      RUNG_GPU_SAMPLE_MS: '100',
      RUNG_WORKER_CONFIG: config,
    },
  });
});
afterAll(async () => {
  await cluster?.stop();
});

function submit(
  resources: string,
  trials: number,
  trainer = 'trainer: { name: sleep, options: { steps: 4, seconds_per_step: 0.3 } }',
): Promise<SweepView> {
  return cluster.submit(`
method: random
metric: { name: val_loss, goal: minimize }
parameters: { x: { min: 0.0, max: 1.0 } }
${trainer}
${resources}
parallelism: ${trials}
run_cap: ${trials}
`);
}

async function finished(sweep: SweepView): Promise<Trial[]> {
  const done = await waitFor<SweepView>(
    `${cluster.api}/v1/sweeps/${sweep.id}`,
    (s) => s.state !== 'running',
    60_000,
    cluster.logs,
  );
  expect(done.counts.completed, cluster.logs()).toBe(sweep.spec.run_cap);
  const res = await fetch(
    `${cluster.api}/v1/sweeps/${sweep.id}/trials?fields=gpus,startedAt,finishedAt,gpuSeconds,peakGpuMemoryMiB`,
  );
  return ((await res.json()) as { trials: Trial[] }).trials;
}

/** The largest sum of shares that trials held on one GPU at one moment. */
function peakShare(runs: { trials: Trial[]; share: number }[], gpu: number): number {
  const edges = runs.flatMap(({ trials, share }) =>
    trials
      .filter((t) => t.gpus?.includes(gpu))
      .flatMap((t) => [
        { at: t.startedAt!, delta: share },
        { at: t.finishedAt!, delta: -share },
      ]),
  );
  // Ends before starts at the same moment: a GPU handed over is not shared.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let held = 0;
  let peak = 0;
  for (const e of edges) {
    held += e.delta;
    peak = Math.max(peak, held);
  }
  return peak;
}

describe('GPUs on a worker with two (stand-in) GPUs', () => {
  it('puts two half-GPU trials on each GPU at once', async () => {
    const trials = await finished(await submit('resources: { gpus: 0.5 }', 4));
    const byGpu = [0, 1].map((g) => trials.filter((t) => t.gpus?.[0] === g).length);
    expect(byGpu).toEqual([2, 2]);
    for (const gpu of [0, 1]) expect(peakShare([{ trials, share: 0.5 }], gpu)).toBe(1);
  });

  it('never lets whole-GPU trials share, and gives a 2-GPU trial both', async () => {
    const [whole, pair] = await Promise.all([
      finished(await submit('', 4)),
      finished(await submit('resources: { gpus: 2 }', 1)),
    ]);
    expect(whole.every((t) => t.gpus?.length === 1)).toBe(true);
    expect(pair[0]?.gpus).toEqual([0, 1]);
    for (const gpu of [0, 1]) {
      expect(
        peakShare(
          [
            { trials: whole, share: 1 },
            { trials: pair, share: 1 },
          ],
          gpu,
        ),
      ).toBe(1);
    }
  });

  it('runs sweeps of different shares side by side within each GPU', async () => {
    const [halves, quarters, whole] = await Promise.all([
      finished(await submit('resources: { gpus: 0.5 }', 4)),
      finished(await submit('resources: { gpus: 0.25 }', 4)),
      finished(await submit('resources: { gpus: 1 }', 2)),
    ]);
    const runs = [
      { trials: halves, share: 0.5 },
      { trials: quarters, share: 0.25 },
      { trials: whole, share: 1 },
    ];
    for (const gpu of [0, 1]) expect(peakShare(runs, gpu)).toBeLessThanOrEqual(1);
    // And sharing did happen: some moment had a GPU held by more than one trial.
    expect(
      Math.max(peakShare(runs.slice(0, 2), 0), peakShare(runs.slice(0, 2), 1)),
    ).toBeGreaterThan(0.5);
  });

  it('records the GPU-seconds and the peak GPU memory of each trial', async () => {
    const [trial] = await finished(
      await submit('resources: { gpus: 0.5 }', 1, 'program: gpu_mem.sh'),
    );
    const heldSeconds = (trial!.finishedAt! - trial!.startedAt!) / 1000;
    expect(trial!.gpuSeconds).toBeGreaterThan(0.5 * 1.8 * 0.9);
    expect(trial!.gpuSeconds).toBeLessThanOrEqual(0.5 * heldSeconds + 1e-6);
    expect(trial!.peakGpuMemoryMiB).toBe(1500);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GpuMemorySampler, parseComputeApps } from '../../src/placement/gpu-memory.js';

const FAKE_SMI = fileURLToPath(
  new URL('../../../../test/fixtures/fake-gpu/nvidia-smi', import.meta.url),
);

describe('GPU memory of trials', () => {
  afterEach(() => {
    delete process.env.FAKE_GPU_APPS;
  });

  it('parses nvidia-smi’s compute apps, skipping what is not a process line', () => {
    expect(parseComputeApps('4242, 1530\n77, 12\n\n[N/A], [N/A]\n')).toEqual([
      { pid: 4242, usedMiB: 1530 },
      { pid: 77, usedMiB: 12 },
    ]);
  });

  it('counts each process for the trial it descends from, and keeps the peak of their sum', async () => {
    const apps = mkdtempSync(path.join(tmpdir(), 'rung-gpu-apps-'));
    process.env.FAKE_GPU_APPS = apps;
    // 1000 is a trial process; 1001 its program, 1002 the program's data loader; 2000 is not ours.
    const parents: Record<number, number> = { 1001: 1000, 1002: 1001, 2000: 1 };
    const sampler = new GpuMemorySampler(60_000, FAKE_SMI, (pid) => parents[pid]);
    const trial = sampler.track(1000);
    writeFileSync(path.join(apps, 'a'), '1001, 500\n1002, 300\n2000, 4000\n');
    await sampler.sample();
    expect(trial.peakMiB()).toBe(800);
    writeFileSync(path.join(apps, 'a'), '1001, 200\n');
    await sampler.sample();
    expect(trial.peakMiB()).toBe(800);
    trial.stop();

    const unseen = sampler.track(3000);
    await sampler.sample();
    expect(unseen.peakMiB()).toBeUndefined();
    unseen.stop();
  });
});

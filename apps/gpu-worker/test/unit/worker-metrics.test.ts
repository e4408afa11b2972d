import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createWorkerMetrics, parseGpuUse } from '../../src/worker-metrics.js';

const FAKE_SMI = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../test/fixtures/fake-gpu/nvidia-smi',
);

describe('worker metrics', () => {
  it('reads each GPU’s utilization and memory from nvidia-smi at scrape time', async () => {
    expect(parseGpuUse('0, 37, 1024\n1, 100, 80000\nNo devices were found\n')).toEqual([
      { index: 0, utilization: 0.37, usedMiB: 1024 },
      { index: 1, utilization: 1, usedMiB: 80000 },
    ]);
    const metrics = createWorkerMetrics({ slots: 2, gpus: true, nvidiaSmi: FAKE_SMI });
    const text = await metrics.registry.metrics();
    expect(text).toContain('rung_worker_gpu_utilization_ratio{gpu="0"} 0.37');
    expect(text).toContain(`rung_worker_gpu_memory_used_bytes{gpu="1"} ${1024 * 1024 * 1024}`);
  });

  it('counts trials by result, their durations, and GPU-seconds by sweep', async () => {
    const metrics = createWorkerMetrics({ slots: 2, gpus: false });
    metrics.busy(1);
    metrics.trialEnded('completed', 'sw-a', 10, 0.5);
    metrics.trialEnded('pruned', 'sw-a', 4, 0.5);
    metrics.trialEnded('failed', 'sw-b', 1);
    metrics.observeReport(0.002);
    const text = await metrics.registry.metrics();
    expect(text).toContain('rung_worker_trials_total{result="completed"} 1');
    expect(text).toContain('rung_worker_trial_duration_seconds_count{result="pruned"} 1');
    expect(text).toContain('rung_worker_gpu_seconds_total{sweep="sw-a"} 7');
    expect(text).not.toContain('sweep="sw-b"');
    expect(text).toContain('rung_worker_report_seconds_count 1');
    expect(text).toContain('rung_worker_busy_slots 1');
    expect(text).not.toContain('rung_worker_gpu_utilization_ratio{');
  });
});

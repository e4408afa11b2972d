/**
 * Prometheus metrics of a worker (served on `RUNG_WORKER_PORT`): trials by result and how long
 * they took, report round trips, slots, GPU-seconds by sweep, and each GPU's utilization and
 * memory as `nvidia-smi` reports them at scrape time.
 */
import { execFile } from 'node:child_process';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface WorkerMetrics {
  registry: Registry;
  /** A trial ended on this worker: its result, how long it ran, its GPU share (if any). */
  trialEnded(result: string, sweepId: string, seconds: number, gpuShare?: number): void;
  /** A trial started running here, or stopped. */
  busy(delta: 1 | -1): void;
  /** One report's round trip (stored, judged by the rule's query), in seconds. */
  observeReport(seconds: number): void;
}

/** One line of `nvidia-smi --query-gpu=index,utilization.gpu,memory.used --format=csv,noheader,nounits`. */
export interface GpuUse {
  index: number;
  utilization: number;
  usedMiB: number;
}

export function parseGpuUse(output: string): GpuUse[] {
  return output
    .split('\n')
    .map((line) => line.split(',').map((s) => s.trim()))
    .filter((f) => f.length >= 3 && f.slice(0, 3).every((v) => /^\d+(\.\d+)?$/.test(v)))
    .map(([index, utilization, used]) => ({
      index: Number(index),
      utilization: Number(utilization) / 100,
      usedMiB: Number(used),
    }));
}

export function createWorkerMetrics(opts: {
  slots: number;
  /** Whether the worker has GPUs (then `nvidia-smi` is asked at scrape time). */
  gpus: boolean;
  nvidiaSmi?: string;
}): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rung_worker_' });
  const trials = new Counter({
    name: 'rung_worker_trials_total',
    help: 'Trials this worker ran, by how they ended',
    labelNames: ['result'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'rung_worker_trial_duration_seconds',
    help: 'How long a trial ran on this worker, by how it ended',
    labelNames: ['result'],
    buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600],
    registers: [registry],
  });
  const report = new Histogram({
    name: 'rung_worker_report_seconds',
    help: "A report's round trip: stored and answered with what the pruning rule needs",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  const gpuSeconds = new Counter({
    name: 'rung_worker_gpu_seconds_total',
    help: 'GPU time the trials of each sweep held on this worker (a half-GPU trial for 10 s: 5)',
    labelNames: ['sweep'],
    registers: [registry],
  });
  const busy = new Gauge({
    name: 'rung_worker_busy_slots',
    help: 'Trials running (several may share a GPU)',
    registers: [registry],
  });
  new Gauge({
    name: 'rung_worker_slots',
    help: 'Slots of this worker',
    registers: [registry],
  }).set(opts.slots);
  if (opts.gpus) {
    const bin = opts.nvidiaSmi ?? 'nvidia-smi';
    // One nvidia-smi call serves both gauges of a scrape.
    let sample: { at: number; gpus: Promise<GpuUse[]> } | undefined;
    const gpus = () => {
      if (!sample || Date.now() - sample.at > 1000) {
        sample = { at: Date.now(), gpus: queryGpuUse(bin) };
      }
      return sample.gpus;
    };
    new Gauge({
      name: 'rung_worker_gpu_utilization_ratio',
      help: 'Utilization of each GPU (0–1), as nvidia-smi reports it',
      labelNames: ['gpu'],
      registers: [registry],
      async collect() {
        for (const gpu of await gpus()) this.set({ gpu: String(gpu.index) }, gpu.utilization);
      },
    });
    new Gauge({
      name: 'rung_worker_gpu_memory_used_bytes',
      help: 'Memory in use on each GPU, as nvidia-smi reports it',
      labelNames: ['gpu'],
      registers: [registry],
      async collect() {
        for (const gpu of await gpus()) this.set({ gpu: String(gpu.index) }, gpu.usedMiB * 2 ** 20);
      },
    });
  }
  return {
    registry,
    trialEnded(result, sweepId, seconds, gpuShare) {
      trials.inc({ result });
      duration.observe({ result }, seconds);
      if (gpuShare !== undefined) gpuSeconds.inc({ sweep: sweepId }, gpuShare * seconds);
    },
    busy: (delta) => busy.inc(delta),
    observeReport: (seconds) => report.observe(seconds),
  };
}

function queryGpuUse(bin: string): Promise<GpuUse[]> {
  return new Promise((resolve) => {
    execFile(
      bin,
      ['--query-gpu=index,utilization.gpu,memory.used', '--format=csv,noheader,nounits'],
      { timeout: 5000 },
      (err, stdout) => resolve(err ? [] : parseGpuUse(stdout)),
    );
  });
}

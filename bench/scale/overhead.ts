/**
 * Scheduling overhead end to end, with real processes: a local cluster (private redis-server,
 * the scheduler, workers) runs `trials` trials of the sleep trainer (`seconds` each, 10 reports)
 * on `slots` slots. Ideal = trials × seconds / slots; the ratio is what the cluster adds (Ray
 * Tune's release test: 1.14 for 10,000 × 1 s trials on 16 slots).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, startLocalCluster } from '../../apps/cli/src/index.js';
import { round } from './stats.js';

export interface OverheadFigures {
  trials: number;
  slots: number;
  wallS: number;
  idealS: number;
  ratio: number;
  workers: number;
  /** Trials that did not complete (should be 0). */
  notCompleted: number;
}

export interface OverheadOptions {
  trials: number;
  slots: number;
  seconds: number;
  /** Worker processes the slots are spread over. @defaultValue 2 */
  workers?: number;
  onProgress?: (line: string) => void;
}

export async function measureOverhead(opts: OverheadOptions): Promise<OverheadFigures> {
  const workers = opts.workers ?? 2;
  if (opts.slots % workers !== 0)
    throw new Error(`--slots must be a multiple of the ${workers} workers`);
  const stateDir = mkdtempSync(join(tmpdir(), 'rung-bench-scale-'));
  const cluster = await startLocalCluster({
    workers,
    cpuSlots: opts.slots / workers,
    port: 0,
    stateDir,
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  try {
    const client = new ApiClient(cluster.apiUrl);
    const spec = {
      name: 'bench-scale-overhead',
      method: 'random',
      metric: { name: 'val_loss', goal: 'minimize' },
      parameters: { x: { min: 0.0, max: 1.0 }, y: { min: 0.0, max: 1.0 } },
      trainer: { name: 'sleep', options: { steps: 10, seconds_per_step: opts.seconds / 10 } },
      run_cap: opts.trials,
      parallelism: opts.slots,
      seed: 1,
    };
    const submitted = await client.submitSweep(JSON.stringify(spec), 'json');
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const sweep = await client.getSweep(submitted.id);
      const finished = sweep.counts.completed + sweep.counts.failed + sweep.counts.pruned;
      opts.onProgress?.(`overhead: ${finished}/${opts.trials} trials`);
      if (sweep.state !== 'running') {
        const wallS = ((sweep.finishedAt ?? Date.now()) - sweep.createdAt) / 1000;
        const idealS = (opts.trials * opts.seconds) / opts.slots;
        return {
          trials: opts.trials,
          slots: opts.slots,
          wallS: round(wallS, 1),
          idealS: round(idealS, 1),
          ratio: round(wallS / idealS, 3),
          workers,
          notCompleted: opts.trials - sweep.counts.completed,
        };
      }
    }
  } finally {
    await cluster.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

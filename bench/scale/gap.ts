/**
 * Dead time on a slot between two trials (issue #8): one worker with one slot, the next trial
 * always queued (parallelism 2), real processes. The gap is from one trial's end (`finishedAt`) to
 * the next one's trainer being loaded and training (`readyAt`): the fork, Node's start-up and the
 * trainer's loading (TensorFlow.js for the MLP) all count, unless the process was kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, startLocalCluster } from '../../apps/cli/src/index.js';
import { percentile, round } from './stats.js';

export interface GapFigures {
  trainer: string;
  trials: number;
  p50Ms: number;
  p90Ms: number;
  maxMs: number;
}

const TRAINERS = {
  sleep: { name: 'sleep', options: { steps: 2, seconds_per_step: 0.1 } },
  mlp: { name: 'mlp', options: { epochs: 2, samples: 600 } },
} as const;

export async function measureGaps(
  trials: number,
  onProgress: (line: string) => void,
): Promise<GapFigures[]> {
  const stateDir = mkdtempSync(join(tmpdir(), 'rung-bench-gap-'));
  const cluster = await startLocalCluster({
    workers: 1,
    cpuSlots: 1,
    port: 0,
    stateDir,
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  const figures: GapFigures[] = [];
  try {
    const client = new ApiClient(cluster.apiUrl);
    for (const [label, trainer] of Object.entries(TRAINERS)) {
      const spec = {
        method: 'random',
        metric: { name: 'val_loss', goal: 'minimize' },
        parameters:
          label === 'mlp'
            ? { learning_rate: { min: 0.001, max: 0.05 } }
            : { x: { min: 0.0, max: 1.0 } },
        trainer,
        run_cap: trials,
        parallelism: 2,
      };
      const sweep = await client.submitSweep(JSON.stringify(spec), 'json');
      for (;;) {
        await new Promise((r) => setTimeout(r, 500));
        const s = await client.getSweep(sweep.id);
        onProgress(`gap ${label}: ${s.counts.completed}/${trials}`);
        if (s.state !== 'running') break;
      }
      const done = (await client.listTrials(sweep.id))
        .filter((t) => t.finishedAt !== undefined && t.readyAt !== undefined)
        .sort((a, b) => a.startedAt! - b.startedAt!);
      // The first trial of a sweep may pay for loading the trainer once: its gap is not counted.
      const gaps = done.slice(1).map((t, i) => t.readyAt! - done[i]!.finishedAt!);
      figures.push({
        trainer: label,
        trials: done.length,
        p50Ms: round(percentile(gaps, 0.5), 0),
        p90Ms: round(percentile(gaps, 0.9), 0),
        maxMs: round(Math.max(...gaps), 0),
      });
    }
    return figures;
  } finally {
    await cluster.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/**
 * The cost of a scheduling pass that creates one trial, with many sweeps and long histories
 * stored: time, and Redis commands per created trial (counted by Redis itself, INFO stats), at
 * growing history sizes. Incremental means both stay flat as the history grows.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { RedisStore } from '@rung/store';
import { Redis } from 'ioredis';
import type { PassChildArgs } from './pass-child.js';
import { scaleSpec, seedFinished } from './seed.js';
import { round } from './stats.js';

export interface PassFigures {
  sweeps: number;
  historyTrials: number;
  p50Ms: number;
  p99Ms: number;
  /** Commands the scheduler sent to Redis per trial created (scripts count once). */
  redisCallsPerTrial: number;
  /** Commands Redis ran per trial created, those inside the scripts included. */
  redisCommandsPerTrial: number;
  /** Seconds the scheduler took to load every sweep from its records (a start or a new leader). */
  rebuildS: number;
  samples: number;
}

export interface PassOptions {
  redisUrl: string;
  /** Key prefix of the sweeps it stores. */
  prefix: string;
  sweeps: number;
  /** Finished trials per sweep, one measurement per size (ascending). */
  sizes: number[];
  /** Passes measured per size. @defaultValue 200 */
  samples?: number;
  onProgress?: (line: string) => void;
}

export async function measurePass(opts: PassOptions): Promise<PassFigures[]> {
  const { prefix } = opts;
  const seeder = new Redis(opts.redisUrl, { enableAutoPipelining: true });
  const seedStore = new RedisStore(seeder, { prefix });
  const ids = Array.from({ length: opts.sweeps }, (_, i) => `sw-scale${i}`);
  for (const id of ids) {
    await seedStore.createSweep({
      id,
      spec: scaleSpec(4, 10_000_000),
      sampler: 'random',
      warnings: [],
      now: Date.now(),
    });
  }
  const results: PassFigures[] = [];
  try {
    for (const size of opts.sizes) {
      const started = performance.now();
      for (const [i, id] of ids.entries()) {
        await seedFinished(seedStore, id, size);
        opts.onProgress?.(
          `pass: seeding ${size} trials a sweep, ${i + 1}/${ids.length} sweeps (${round((performance.now() - started) / 1000, 0)} s)`,
        );
      }
      results.push(
        await measureInChild({
          redisUrl: opts.redisUrl,
          prefix,
          ids,
          size,
          samples: opts.samples ?? 200,
        }),
      );
      opts.onProgress?.(`pass: ${ids.length} × ${size} stored, p99 ${results.at(-1)!.p99Ms} ms`);
    }
  } finally {
    await seedStore.close();
    seeder.disconnect();
  }
  return results;
}

/**
 * Measures in a process of its own, as a real scheduler runs: this one holds what seeding left
 * behind, which would tax the measured one's garbage collector.
 */
function measureInChild(args: PassChildArgs): Promise<PassFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@rung/source',
        '--import',
        'tsx',
        join(import.meta.dirname, 'pass-child.ts'),
        JSON.stringify(args),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`pass: the measuring process exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as PassFigures);
    });
  });
}

/**
 * The scheduler process's memory once it has loaded every live sweep of a big store: the real
 * scheduler (its built entry) started against the Redis the pass benchmark filled, measured
 * (VmRSS) after it logs that the live sweeps are loaded and has scheduled them once.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@rung/store';
import { round } from './stats.js';

const SCHEDULER = join(import.meta.dirname, '../../apps/scheduler/dist/server.js');

export interface MemoryFigures {
  schedulerRssMb: number;
  /** Seconds from the start to every live sweep loaded. */
  loadS: number;
}

export async function measureSchedulerMemory(
  redisUrl: string,
  prefix: string,
): Promise<MemoryFigures> {
  const port = await freePort();
  const child = spawn(process.execPath, [SCHEDULER], {
    env: {
      ...process.env,
      REDIS_URL: redisUrl,
      RUNG_PREFIX: prefix,
      RUNG_PORT: String(port),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = performance.now();
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`scheduler did not load its sweeps:\n${output.slice(-2000)}`)),
        600_000,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-100_000);
        if (output.includes('"msg":"live sweeps loaded"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr.on('data', (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-100_000);
      });
      child.on('exit', (code) =>
        reject(new Error(`scheduler exited (${code}):\n${output.slice(-2000)}`)),
      );
    });
    const loadS = (performance.now() - started) / 1000;
    // Let the first passes hand every sampler its history.
    await new Promise((r) => setTimeout(r, 3000));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return { schedulerRssMb: round(kb / 1024, 0), loadS: round(loadS, 1) };
  } finally {
    child.kill('SIGTERM');
  }
}

/**
 * Where the built scheduler and worker are, found from this file's own location (the CLI may be
 * run from any folder): apps/cli/{src,dist}/cluster → apps/{scheduler,gpu-worker}/dist.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const APPS = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The scheduler's entry point: `apps/scheduler/dist/server.js`. */
export const SCHEDULER_ENTRY = resolve(APPS, 'scheduler/dist/server.js');
/** The worker's entry point: `apps/gpu-worker/dist/main.js`. */
export const WORKER_ENTRY = resolve(APPS, 'gpu-worker/dist/main.js');

/**
 * The entry points that do not exist, each as `path (what)`; empty when all are built.
 */
export function missingEntries(entries: Readonly<Record<string, string>>): string[] {
  return Object.entries(entries)
    .filter(([, path]) => !existsSync(path))
    .map(([what, path]) => `${path} (${what})`);
}

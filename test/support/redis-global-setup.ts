/**
 * Vitest global setup for the integration project: one real redis-server on a free port for the
 * whole run. Each test file isolates itself with a random key prefix and queue name.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalRedis } from '../../packages/store/src/local-redis-server.js';

/// <reference path="./provided-context.d.ts" />

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'rung-test-redis-'));
  const redis = await startLocalRedis({ dir });
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

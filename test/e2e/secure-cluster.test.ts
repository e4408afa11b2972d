/**
 * A cluster started with RUNG_ADMIN_TOKEN, driven by the real CLI: the admin makes a token, a
 * sweep runs with it, requests without one are refused, and no secret reaches the logs. And an
 * open scheduler refuses to listen beyond loopback.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'apps/cli/bin/rung.js');
const SCHEDULER = join(ROOT, 'apps/scheduler/dist/server.js');
const ADMIN = 'e2e-admin-token-0123456789abcdef';

const SWEEP = `
method: random
trainer: { name: sleep, options: { steps: 2, seconds_per_step: 0.05 } }
metric: { name: val_loss, goal: minimize }
parameters:
  x: { min: 0, max: 1 }
run_cap: 3
parallelism: 1
`;

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster(inject('redisUrl'), {
    workers: 1,
    env: { RUNG_ADMIN_TOKEN: ADMIN },
  });
});

afterAll(async () => {
  await cluster?.stop();
});

function rung(args: string[], env: Record<string, string>, input?: string) {
  const run = spawnSync(process.execPath, [CLI, ...args, '--api', cluster.api], {
    env: { ...process.env, RUNG_TOKEN: '', RUNG_ADMIN_TOKEN: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
    ...(input !== undefined && { input }),
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('a cluster with tokens', () => {
  it('runs a sweep submitted with a token the admin made, and refuses requests without one', async () => {
    const made = rung(['token', 'create', '--name', 'alice', '--scope', 'submit'], {
      RUNG_TOKEN: ADMIN,
    });
    expect(made.code, made.err).toBe(0);
    const token = made.out.split('\n')[0]!;
    expect(token).toMatch(/^rung_/);

    const anonymous = rung(['status'], {});
    expect(anonymous.code).toBe(1);
    expect(anonymous.err).toMatch(/Authorization: Bearer/);

    const file = join(mkdtempSync(join(tmpdir(), 'rung-secure-')), 'sweep.yaml');
    writeFileSync(file, SWEEP);
    const submitted = rung(['submit', file, '--wait'], { RUNG_TOKEN: token });
    expect(submitted.code, submitted.err + submitted.out).toBe(0);
    expect(submitted.out).toMatch(/completed/);

    const listed = rung(['token', 'list'], { RUNG_TOKEN: token });
    expect(listed.code).toBe(1);
    expect(listed.err).toMatch(/needs 'admin'/);

    // Neither the admin token nor the one made is in any process's log.
    expect(cluster.logs()).not.toContain(ADMIN);
    expect(cluster.logs()).not.toContain(token);
  });
});

describe('an open scheduler', () => {
  it('refuses to listen on a non-loopback address', async () => {
    const child = spawn(process.execPath, [SCHEDULER], {
      env: {
        ...process.env,
        REDIS_URL: inject('redisUrl'),
        RUNG_HOST: '0.0.0.0',
        RUNG_PORT: '0',
        RUNG_ADMIN_TOKEN: '',
      },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(output).toMatch(/RUNG_HOST=0\.0\.0\.0: set RUNG_ADMIN_TOKEN/);
  });
});

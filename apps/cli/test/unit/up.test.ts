import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@rung/store';
import { describe, expect, it } from 'vitest';
import { upCommand } from '../../src/commands/up.js';
import { type TestIo, testIo } from './support/test-io.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const SEAMS = {
  schedulerEntry: fixture('fake-scheduler.mjs'),
  workerEntry: fixture('fake-worker.mjs'),
};

async function until(io: TestIo, text: string): Promise<void> {
  for (let i = 0; i < 500 && !io.stdout().includes(text); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('rung up (against a fake scheduler and workers)', () => {
  it('says where the API, the workers, Redis and the logs are; Ctrl-C stops it with exit 0', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'rung-up-'));
    const port = await freePort();
    const io = testIo({
      ...process.env,
      REDIS_URL: 'redis://:hunter2@127.0.0.1:1',
      RUNG_PORT: String(port),
    });
    const up = upCommand({ workers: '3', 'state-dir': stateDir }, [], io, SEAMS);
    await until(io, 'Press Ctrl-C');
    // The password of REDIS_URL is not printed.
    expect(io.stdout()).toContain(
      `Rung is up: API http://127.0.0.1:${port} (docs at /docs), 3 workers, Redis redis://:***@127.0.0.1:1 (REDIS_URL)\n`,
    );
    expect(io.stdout()).toContain(`Logs: ${join(stateDir, 'logs')}/ (scheduler.log, worker-N.log)`);
    io.pressCtrlC();
    expect(await up).toBe(0);
    expect(io.stdout()).toContain('Ctrl-C again to force');
    expect(io.stdout().trimEnd().endsWith('Stopped.')).toBe(true);
    expect(io.stderr()).toBe('');
  });

  it('reports a scheduler that dies and exits 1', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'rung-up-'));
    const io = testIo({ ...process.env, REDIS_URL: 'redis://127.0.0.1:1', RUNG_PORT: '0' });
    const up = upCommand({ workers: '1', 'state-dir': stateDir }, [], io, SEAMS);
    await until(io, 'Press Ctrl-C');
    const api = /API (http:\/\/\S+)/.exec(io.stdout())![1];
    await fetch(`${api}/crash`).catch(() => undefined);
    expect(await up).toBe(1);
    expect(io.stderr()).toMatch(
      /scheduler exited unexpectedly \(exit code 5\)\. Last lines of .*scheduler\.log:/,
    );
    expect(io.stderr()).toContain('FATAL crashing on request');
    expect(io.stderr()).toContain('The scheduler is gone: stopping the cluster.');
  });
});

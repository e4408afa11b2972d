import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/commands/run.js';
import { testIo } from './support/test-io.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const SEAMS = {
  schedulerEntry: fixture('fake-scheduler.mjs'),
  workerEntry: fixture('fake-worker.mjs'),
};
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rung-run-'));
});

function sweepFile(text: string): string {
  const file = join(dir, `sweep-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', RUNG_PORT: '', ...extra };
}

describe('rung run (against a fake scheduler and workers)', () => {
  it('starts a cluster, runs the sweep, prints the leaderboard, stops, exits 0', async () => {
    const io = testIo(env());
    const code = await runCommand(
      { workers: '1', 'state-dir': join(dir, 'ok') },
      [sweepFile('method: random\n')],
      io,
      SEAMS,
    );
    const out = io.stdout();
    expect(io.stderr()).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(
      /Rung is up: API http:\/\/127\.0\.0\.1:\d+ \(docs at \/docs\), 1 worker, Redis redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\)/,
    );
    expect(out).toContain('Sweep sw-1 (fake) submitted: sampler random');
    expect(out).toContain('Sweep sw-1 completed (run_cap) after 1s: 2 done, 0 pruned, 0 failed');
    expect(out).toMatch(/1\s+#1\s+0\.25\s+completed\s+x=0\.5/);
    expect(out.trimEnd().endsWith('Stopped.')).toBe(true);
  });

  it("prints the API's message for a rejected spec and exits 1", async () => {
    const io = testIo(env());
    const code = await runCommand(
      { workers: '1', 'state-dir': join(dir, 'bad') },
      [sweepFile('bad: 1\n')],
      io,
      SEAMS,
    );
    expect(code).toBe(1);
    expect(io.stderr()).toBe('The sweep was rejected: parameters.x.min: must be < max\n');
    expect(io.stdout()).toContain('Stopped.');
  });

  it('exits 1 and reports the worker when one dies mid-sweep', async () => {
    const io = testIo(env({ FAKE_CRASH_WORKER: 'worker-2' }));
    const code = await runCommand(
      { workers: '2', 'state-dir': join(dir, 'crash') },
      [sweepFile('x: 1\n')],
      io,
      SEAMS,
    );
    expect(code).toBe(1);
    expect(io.stderr()).toMatch(
      /worker-2 exited unexpectedly \(exit code 1\)\. Last lines of .*worker-2\.log:\n {2}INFO worker ready\n {2}ERROR lost the GPU/,
    );
    expect(io.stderr()).toContain('The cluster broke before sweep sw-1 finished.');
  });

  it('stops cleanly and exits 130 on Ctrl-C', async () => {
    const io = testIo(env());
    const running = runCommand(
      { workers: '1', 'state-dir': join(dir, 'int') },
      [sweepFile('x: 1\n')],
      io,
      SEAMS,
    );
    // Ctrl-C once the sweep is submitted (first progress line printed).
    while (!io.stdout().includes('submitted')) await new Promise((r) => setTimeout(r, 10));
    io.pressCtrlC();
    expect(await running).toBe(130);
    expect(io.stderr()).toContain('Interrupted: sweep sw-1 did not finish.');
    expect(io.stdout()).toContain('Stopped.');
  });

  it('fails before starting anything when the file cannot be read', async () => {
    const io = testIo(env());
    await expect(runCommand({}, [join(dir, 'missing.yaml')], io, SEAMS)).rejects.toThrow(
      /cannot read sweep file .*missing\.yaml: no such file/,
    );
    expect(io.stdout()).toBe('');
  });
});

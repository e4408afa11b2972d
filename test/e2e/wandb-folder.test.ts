/**
 * W&B's local flow, as a new user tries it: a folder holding a W&B sweep file and a script written
 * for W&B, nothing else; `rung run <folder>/sweep.yaml` runs every trial with that script and
 * prints the leaderboard, and `rung up --sweep-dir <folder>` serves the folder's sweep files to
 * `rung submit`. The real CLI, a private redis-server, real workers, real Python.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@rung/store';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'apps/cli/bin/rung.js');
const work = mkdtempSync(join(tmpdir(), 'rung-wandb-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a W&B sweep folder', () => {
  it('runs with `rung run`, every trial by the unchanged W&B script', () => {
    const folder = join(work, 'my-project');
    cpSync(join(ROOT, 'examples/wandb-sweep'), folder, { recursive: true });
    // Run from elsewhere: the program is found beside the sweep file, not in the working folder.
    const run = spawnSync(process.execPath, [CLI, 'run', join(folder, 'sweep.yaml')], {
      cwd: work,
      encoding: 'utf8',
      timeout: 180_000,
      env: { ...process.env, RUNG_API_URL: '' },
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(output).toMatch(/completed \(run_cap\) after \d+s: 12 done, 0 pruned, 0 failed/);
    expect(output).toMatch(/Leaderboard: val_loss \(minimize\)/);
    // Values from the script's own log: a logistic regression's validation loss.
    const first = /^ +1 +#\d+ +([\d.]+) +completed +(.*)$/m.exec(output);
    expect(first, output).not.toBeNull();
    expect(Number(first![1])).toBeGreaterThan(0.3);
    expect(Number(first![1])).toBeLessThan(0.7);
    expect(first![2]).toMatch(
      /epochs=8 batch_size=\d+ learning_rate=[\d.e-]+ optimizer.momentum=[\d.e-]+/,
    );
  });

  it('is served by `rung up --sweep-dir`, and `rung submit` runs its program', async () => {
    const folder = join(work, 'served');
    cpSync(join(ROOT, 'examples/wandb-sweep'), folder, { recursive: true });
    const sweepFile = join(folder, 'sweep.yaml');
    writeFileSync(sweepFile, readFileSync(sweepFile, 'utf8').replace('run_cap: 12', 'run_cap: 3'));
    const port = await freePort();
    const env = { ...process.env, RUNG_API_URL: '', RUNG_PORT: String(port) };
    const up = spawn(
      process.execPath,
      [CLI, 'up', '--sweep-dir', folder, '--state-dir', join(work, 'state')],
      { cwd: work, env },
    );
    let upOutput = '';
    up.stdout.on('data', (c: Buffer) => {
      upOutput += c;
    });
    up.stderr.on('data', (c: Buffer) => {
      upOutput += c;
    });
    const exited = new Promise<number | null>((r) => up.on('exit', (code) => r(code)));
    try {
      for (let i = 0; i < 600 && !upOutput.includes('Press Ctrl-C'); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(upOutput).toMatch(/Registered the program of .*sweep\.yaml as trainer 'train-py'/);
      const submit = spawnSync(process.execPath, [CLI, 'submit', sweepFile, '--wait'], {
        cwd: work,
        encoding: 'utf8',
        timeout: 120_000,
        env,
      });
      const output = `${submit.stdout}\n${submit.stderr}`;
      expect(submit.status, `${output}\n${upOutput}`).toBe(0);
      expect(output).toMatch(/completed \(run_cap\) after \d+s: 3 done, 0 pruned, 0 failed/);
    } finally {
      up.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  });
});

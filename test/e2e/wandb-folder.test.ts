/**
 * W&B's local flow, as a new user tries it: a folder holding a W&B sweep file and a script written
 * for W&B, nothing else; `rung run <folder>/sweep.yaml` runs every trial with that script and
 * prints the leaderboard. The real CLI, a private redis-server, real workers, real Python.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
});

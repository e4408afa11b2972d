/**
 * `rung up` as a process manager sees it: whatever ends it — SIGTERM to `npx rung up` (npm does
 * not pass it on), SIGKILL of the CLI itself — leaves no process behind, and a redis-server that
 * crashes under it is restarted on the same data while the cluster goes on.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@rung/store';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'apps/cli/bin/rung.js');

/** Every process below `pid` (children, grandchildren, …), and the state dir's redis-server. */
function processTree(pid: number, stateDir: string): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
  const found = new Set<number>();
  const walk = (parent: number) => {
    for (const r of rows) {
      if (r.ppid === parent && !found.has(r.pid)) {
        found.add(r.pid);
        walk(r.pid);
      }
    }
  };
  walk(pid);
  // redis-server runs in its own process group, detached: find it by its data folder.
  for (const r of rows) if (r.args.includes(stateDir)) found.add(r.pid);
  return [...found];
}

/** Whether `pid` still runs: an exited process its (re)parent has not reaped yet (a zombie,
 * state Z) does not count — in a container, PID 1 may never reap it. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

async function until(what: string, probe: () => boolean | Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function healthy(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
}

/** Starts `rung up` (through `command`), waits for its API and its worker. */
async function up(command: string[]): Promise<{
  child: ChildProcess;
  port: number;
  stateDir: string;
  output: () => string;
}> {
  const port = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), 'rung-supervision-'));
  const child = spawn(
    command[0]!,
    [...command.slice(1), 'up', '--workers', '1', '--port', String(port), '--state-dir', stateDir],
    { cwd: ROOT, env: { ...process.env, REDIS_URL: '', RUNG_ADMIN_TOKEN: '' } },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c;
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c;
  });
  await until('the cluster is up', () => output.includes('Press Ctrl-C'), 60_000).catch((err) => {
    throw new Error(`${(err as Error).message}\n${output}`);
  });
  expect(await healthy(port)).toBe(true);
  return { child, port, stateDir, output: () => output };
}

describe('rung up under a process manager', () => {
  it('stops everything when npm exec gets SIGTERM and does not pass it on', async () => {
    const cluster = await up(['npm', 'exec', '--no', '--', 'rung']);
    const tree = processTree(cluster.child.pid!, cluster.stateDir);
    // npm, its shell, the CLI, the scheduler, the worker, redis-server (and the spare trainer).
    expect(tree.length).toBeGreaterThanOrEqual(5);
    cluster.child.kill('SIGTERM');
    await until('no process is left', () => tree.every((pid) => !alive(pid)), 30_000).catch(
      (err) => {
        throw new Error(`${(err as Error).message}: ${tree.filter(alive)}\n${cluster.output()}`);
      },
    );
  });

  it('leaves no orphan when the CLI itself is killed with SIGKILL', async () => {
    const cluster = await up([process.execPath, CLI]);
    const tree = processTree(cluster.child.pid!, cluster.stateDir);
    expect(tree.length).toBeGreaterThanOrEqual(3);
    cluster.child.kill('SIGKILL');
    await until('no process is left', () => tree.every((pid) => !alive(pid)), 30_000).catch(
      (err) => {
        throw new Error(`${(err as Error).message}: ${tree.filter(alive)}\n${cluster.output()}`);
      },
    );
  });

  it('restarts a crashed redis-server on its data, and goes on', async () => {
    const cluster = await up([process.execPath, CLI]);
    const redisPid = processTree(cluster.child.pid!, cluster.stateDir).find((pid) =>
      execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).includes(
        'redis-server',
      ),
    );
    expect(redisPid).toBeDefined();
    process.kill(redisPid!, 'SIGKILL');
    await until(
      'redis-server is back',
      () => cluster.output().includes('restarted on the same data'),
      30_000,
    );
    await until('the API is healthy again', () => healthy(cluster.port), 30_000);
    const exited = new Promise<number | null>((r) => cluster.child.once('exit', r));
    cluster.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(cluster.output()).toMatch(/redis-server exited unexpectedly \(signal SIGKILL\)/);
  });
});

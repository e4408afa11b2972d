import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatLogLine, readTail } from '../../src/cluster/log-tail.js';
import { type ChildExit, describeExit, Supervisor } from '../../src/cluster/supervisor.js';

const CHILD = fileURLToPath(new URL('./fixtures/child.mjs', import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rung-supervisor-'));
});

function spec(name: string, ...args: string[]) {
  return { name, args: [CHILD, ...args], env: process.env, logFile: join(dir, `${name}.log`) };
}

/** Waits until the log holds `text`: the child is up and has installed its signal handlers. */
async function logged(file: string, text: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    let content = '';
    try {
      content = readFileSync(file, 'utf8');
    } catch {}
    if (content.includes(text)) return content;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${file} never logged ${text}`);
}

/** Running, as opposed to gone or a zombie (an orphan killed but not yet reaped by init). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: `pid (comm) STATE …`
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

describe('Supervisor', () => {
  it('stops a child with SIGTERM and writes its output to its log file', async () => {
    const unexpected: ChildExit[] = [];
    const sup = new Supervisor({ onUnexpectedExit: (e) => unexpected.push(e) });
    const s = spec('graceful-1', 'graceful');
    sup.start(s);
    await logged(s.logFile, 'ready (graceful)');
    expect(sup.isRunning('graceful-1')).toBe(true);
    expect(await sup.stop(['graceful-1'], 5000)).toEqual([
      { name: 'graceful-1', code: 0, signal: null, killed: false },
    ]);
    expect(readFileSync(s.logFile, 'utf8')).toContain('"msg":"got SIGTERM"');
    expect(sup.isRunning('graceful-1')).toBe(false);
    // A stop that was asked for is no surprise.
    expect(unexpected).toEqual([]);
  });

  it('SIGKILLs a child that outlives the deadline, with its whole process group', async () => {
    const sup = new Supervisor();
    const s = spec('stubborn-1', 'stubborn', '--grandchild');
    sup.start(s);
    const log = await logged(s.logFile, '"msg":"grandchild"');
    const grandchild = JSON.parse(
      log.split('\n').find((l) => l.includes('grandchild'))!,
    ).grandchild;
    expect(alive(grandchild)).toBe(true);
    const t0 = Date.now();
    const [result] = await sup.stop(['stubborn-1'], 300);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(result).toEqual({ name: 'stubborn-1', code: null, signal: 'SIGKILL', killed: true });
    expect(readFileSync(s.logFile, 'utf8')).toContain('ignoring SIGTERM');
    // The grandchild (a trainer, in the cluster) must not outlive its worker.
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(grandchild)).toBe(false);
  });

  it('reports an unexpected exit with its code and the last lines of its log', async () => {
    const exits: ChildExit[] = [];
    const sup = new Supervisor({ onUnexpectedExit: (e) => exits.push(e), tailLines: 3 });
    const s = spec('crash-1', 'crash');
    const { exited } = sup.start(s);
    const exit = await exited;
    expect(exits).toEqual([exit]);
    expect(exit).toMatchObject({ name: 'crash-1', code: 3, signal: null, logFile: s.logFile });
    expect(exit.tail).toEqual([
      'ERROR boom (err: bad thing)',
      'Error: bad thing',
      '    at crash (child.mjs:1:1)',
    ]);
    expect(describeExit(exit)).toBe('exit code 3');
    // Stopping a child that is gone reports how it ended.
    expect(await sup.stop(['crash-1'], 100)).toEqual([
      { name: 'crash-1', code: 3, signal: null, killed: false },
    ]);
  });

  it('reports a child that cannot be spawned', async () => {
    const exits: ChildExit[] = [];
    const sup = new Supervisor({ onUnexpectedExit: (e) => exits.push(e) });
    const { exited } = sup.start({ ...spec('nobin'), command: join(dir, 'no-such-binary') });
    const exit = await exited;
    expect(exit.spawnError).toContain('ENOENT');
    expect(describeExit(exit)).toMatch(/^could not start: .*ENOENT/);
    expect(exits).toHaveLength(1);
  });

  it('kills everything at once on killAll, without calling it unexpected', async () => {
    const exits: ChildExit[] = [];
    const sup = new Supervisor({ onUnexpectedExit: (e) => exits.push(e) });
    const a = spec('stubborn-a', 'stubborn');
    const b = spec('graceful-b', 'graceful');
    const started = [sup.start(a).exited, sup.start(b).exited];
    await logged(a.logFile, 'ready');
    await logged(b.logFile, 'ready');
    sup.killAll();
    const ends = await Promise.all(started);
    expect(ends.map((e) => e.signal)).toEqual(['SIGKILL', 'SIGKILL']);
    expect(exits).toEqual([]);
    expect(() => sup.start(a)).toThrow('a child named stubborn-a already exists');
  });
});

describe('log tail', () => {
  it('formats pino lines and passes other lines through', () => {
    expect(formatLogLine('{"level":40,"msg":"slow","workerId":"w"}')).toBe('WARN slow');
    expect(formatLogLine('{"no":"msg"}')).toBe('{"no":"msg"}');
    expect(formatLogLine('plain text')).toBe('plain text');
    expect(readTail(join(dir, 'missing.log'), 5)).toEqual([]);
  });
});

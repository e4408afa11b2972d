/**
 * A private redis-server for the local cluster and for tests: AOF on (everysec), noeviction, bound
 * to 127.0.0.1 on a free port, data in a folder of the caller's choosing. No Docker needed.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';

export interface LocalRedisOptions {
  /** Folder for the AOF and dump files (created if missing). */
  dir: string;
  /** TCP port; 0 or undefined picks a free one. */
  port?: number;
  /** The redis-server binary. @defaultValue `redis-server` from PATH */
  bin?: string;
  /**
   * A process whose end stops this server (SIGTERM: the AOF is flushed), watched by a small
   * guardian process: a supervisor killed with SIGKILL leaves no redis-server behind.
   */
  stopWhenGone?: number;
}

export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Settles when the server exits, for whatever reason (so a supervisor can report a crash). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the server (SIGTERM: Redis flushes the AOF first) and waits for it to exit. */
  stop(): Promise<void>;
}

/** The message users see when redis-server is missing, with the command that installs it. */
export const REDIS_INSTALL_HINT =
  'redis-server was not found on PATH. Install it with: sudo apt-get update && sudo apt-get install -y redis-server ' +
  '(or point Rung at an existing Redis with REDIS_URL=redis://host:6379).';

/** True when the binary runs (`redis-server --version`). */
export function hasRedisServer(bin = 'redis-server'): boolean {
  const r = spawnSync(bin, ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startLocalRedis(opts: LocalRedisOptions): Promise<LocalRedis> {
  const bin = opts.bin ?? 'redis-server';
  if (!hasRedisServer(bin)) throw new Error(REDIS_INSTALL_HINT);
  mkdirSync(opts.dir, { recursive: true });
  const port = opts.port || (await freePort());
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    opts.dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    '--daemonize',
    'no',
    '--logfile',
    '',
  ];
  // Its own process group: a Ctrl-C in the terminal must reach only the supervisor, which stops
  // the workers while Redis is still there to take their last writes, and Redis last.
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  await waitUntilReady(child, port);
  if (opts.stopWhenGone !== undefined) {
    spawn(process.execPath, ['-e', GUARDIAN, String(opts.stopWhenGone), String(child.pid)], {
      detached: true,
      stdio: 'ignore',
    }).unref();
  }
  let exited = false;
  const exitPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve) => {
      child.once('exit', (code, signal) => {
        exited = true;
        resolve({ code, signal });
      });
    },
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    exited: exitPromise,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

/**
 * Stops redis-server (argv[2]) once the watched process (argv[1]) is gone, 3 s later so the
 * processes that also watch it can make their last writes; ends with either.
 */
const GUARDIAN = `
const [watched, server] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const timer = setInterval(() => {
  if (!alive(server)) process.exit(0);
  if (alive(watched)) return;
  clearInterval(timer);
  setTimeout(() => { try { process.kill(server, 'SIGTERM'); } catch {} process.exit(0); }, 3000);
}, 500);
`;

/** Resolves once redis-server logs that it accepts connections; rejects with its output if it exits. */
function waitUntilReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start on port ${port} within 15 s:\n${output}`));
    }, 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        // Keep draining the pipes so a chatty server never blocks on a full pipe.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}

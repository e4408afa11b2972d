/**
 * Runs the local cluster's processes (scheduler, workers) as supervised children: their output
 * goes to one log file each, an exit nobody asked for is reported with the log's last lines, and
 * stopping is SIGTERM, a deadline, then SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { readTail } from './log-tail.js';

/** One process to run. */
export interface ChildSpec {
  /** Unique name: `scheduler`, `worker-1`, … (also the log file's name in the CLI). */
  name: string;
  /** @defaultValue the running Node binary */
  command?: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** File for the child's stdout and stderr, truncated at start. */
  logFile: string;
  cwd?: string;
}

/** How a child ended. */
export interface ChildExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Its log file. */
  logFile: string;
  /** The last lines of its log, pino JSON made readable. */
  tail: string[];
  /** Why it could not be started, when it could not (e.g. ENOENT). */
  spawnError?: string;
}

/** How a stop went for one child. */
export interface StopResult {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when it outlived the deadline and was SIGKILLed. */
  killed: boolean;
}

/** Options of {@link Supervisor}. */
export interface SupervisorOptions {
  /** Called when a child exits while nobody asked it to stop. */
  onUnexpectedExit?: (exit: ChildExit) => void;
  /** Log lines in {@link ChildExit.tail}. @defaultValue 15 */
  tailLines?: number;
}

interface Supervised {
  spec: ChildSpec;
  child: ChildProcess;
  stopping: boolean;
  exit?: ChildExit;
  exited: Promise<ChildExit>;
}

/** Starts, watches and stops named child processes. */
export class Supervisor {
  private readonly children = new Map<string, Supervised>();
  private readonly opts: Required<Pick<SupervisorOptions, 'tailLines'>> & SupervisorOptions;

  constructor(opts: SupervisorOptions = {}) {
    this.opts = { tailLines: 15, ...opts };
  }

  /**
   * Spawns `spec` in its own process group, so that a Ctrl-C in the terminal reaches only the
   * CLI, which then stops the children in order (workers before the scheduler before Redis).
   */
  start(spec: ChildSpec): { pid: number | undefined; exited: Promise<ChildExit> } {
    if (this.children.has(spec.name)) throw new Error(`a child named ${spec.name} already exists`);
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const fd = openSync(spec.logFile, 'w');
    let child: ChildProcess;
    try {
      child = spawn(spec.command ?? process.execPath, [...spec.args], {
        env: spec.env,
        cwd: spec.cwd,
        stdio: ['ignore', fd, fd],
        detached: true,
      });
    } finally {
      // The child holds its own copy of the descriptor.
      closeSync(fd);
    }
    let resolveExit!: (exit: ChildExit) => void;
    const entry: Supervised = {
      spec,
      child,
      stopping: false,
      exited: new Promise((resolve) => {
        resolveExit = resolve;
      }),
    };
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: string) => {
      if (entry.exit) return;
      entry.exit = {
        name: spec.name,
        code,
        signal,
        logFile: spec.logFile,
        tail: readTail(spec.logFile, this.opts.tailLines),
        ...(spawnError ? { spawnError } : {}),
      };
      // Whatever the child left behind in its group (a trainer it had started) goes with it.
      killGroup(child, 'SIGKILL');
      if (!entry.stopping) this.opts.onUnexpectedExit?.(entry.exit);
      resolveExit(entry.exit);
    };
    child.once('exit', (code, signal) => finish(code, signal));
    child.once('error', (err) => finish(null, null, err.message));
    this.children.set(spec.name, entry);
    return { pid: child.pid, exited: entry.exited };
  }

  /** Names of the children started, in start order. */
  names(): string[] {
    return [...this.children.keys()];
  }

  /** True while the named child runs. */
  isRunning(name: string): boolean {
    const entry = this.children.get(name);
    return entry !== undefined && entry.exit === undefined;
  }

  /** How the named child ended, or undefined while it runs. */
  exitOf(name: string): ChildExit | undefined {
    return this.children.get(name)?.exit;
  }

  /** The last `n` lines of the named child's log. */
  tail(name: string, n = this.opts.tailLines): string[] {
    const entry = this.children.get(name);
    return entry ? readTail(entry.spec.logFile, n) : [];
  }

  /**
   * Stops the named children together: SIGTERM now, SIGKILL (to the child's whole process group)
   * for any still running after `deadlineMs`. Resolves when all have exited. Children that had
   * already exited are reported as they ended.
   */
  async stop(names: readonly string[], deadlineMs: number): Promise<StopResult[]> {
    return Promise.all(
      names.map(async (name) => {
        const entry = this.children.get(name);
        if (!entry) throw new Error(`no child named ${name}`);
        entry.stopping = true;
        if (entry.exit) return { ...pick(entry.exit), killed: false };
        entry.child.kill('SIGTERM');
        let killed = false;
        const timer = setTimeout(() => {
          killed = true;
          killGroup(entry.child, 'SIGKILL');
        }, deadlineMs);
        const exit = await entry.exited;
        clearTimeout(timer);
        return { ...pick(exit), killed };
      }),
    );
  }

  /** SIGKILLs every child that still runs (a second Ctrl-C: no more waiting). */
  killAll(): void {
    for (const entry of this.children.values()) {
      entry.stopping = true;
      if (!entry.exit) killGroup(entry.child, 'SIGKILL');
    }
  }
}

function pick(exit: ChildExit): Pick<StopResult, 'name' | 'code' | 'signal'> {
  return { name: exit.name, code: exit.code, signal: exit.signal };
}

/** Signals the child's process group (it leads one, being detached), falling back to the child. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already (ESRCH): nothing left to stop.
  }
}

/** `exit code 1`, `signal SIGKILL`: how a child ended, in words. */
export function describeExit(exit: Pick<ChildExit, 'code' | 'signal' | 'spawnError'>): string {
  if (exit.spawnError) return `could not start: ${exit.spawnError}`;
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exit code ${exit.code}`;
}

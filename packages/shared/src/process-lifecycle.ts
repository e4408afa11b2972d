/**
 * The start and stop of every Rung process (scheduler, worker, the CLI's cluster): one place
 * decides what means "stop" — SIGTERM, SIGINT, SIGHUP, or the process that started it being gone —
 * and how a failed start is reported.
 */
import { execFileSync } from 'node:child_process';

/** Why a process stops: a signal, or its parent exited (`RUNG_WATCH_PARENT=1`). */
export type StopReason = NodeJS.Signals | 'parent-exited';

/**
 * Calls `stop` once on SIGTERM, SIGINT or SIGHUP (a second one does not start a second stop), and
 * — when `RUNG_WATCH_PARENT=1`, as `rung up` sets for its children — when the parent process is
 * gone, so a killed supervisor leaves no orphan.
 */
export function onStopSignals(stop: (reason: StopReason) => Promise<void>): void {
  let stopping = false;
  const handle = (reason: StopReason) => {
    if (stopping) return;
    stopping = true;
    void stop(reason);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, handle);
  if (process.env.RUNG_WATCH_PARENT === '1')
    watchProcess(process.ppid, () => handle('parent-exited'));
}

/**
 * Calls `onGone` once process `pid` has exited (polled every `intervalMs`). Returns a function
 * that stops watching.
 */
export function watchProcess(pid: number, onGone: () => void, intervalMs = 500): () => void {
  const timer = setInterval(() => {
    if (isProcessAlive(pid)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Whether process `pid` exists (under any user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The process whose end should end this one, if any: under `npm exec`/`npx`, which runs a command
 * through `sh -c` and does not pass signals on, npm itself (the parent's parent); with
 * `RUNG_WATCH_PARENT=1`, the parent; otherwise none (`nohup rung up &` outlives its shell).
 */
export function launcherPid(env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (env.RUNG_WATCH_PARENT === '1') return process.ppid;
  if (env.npm_command !== 'exec') return undefined;
  try {
    const out = execFileSync('ps', ['-o', 'ppid=', '-p', String(process.ppid)], {
      encoding: 'utf8',
    });
    const pid = Number(out.trim());
    return Number.isInteger(pid) && pid > 1 ? pid : process.ppid;
  } catch {
    return process.ppid;
  }
}

/** Runs a process's `main`; a start that throws prints the error and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

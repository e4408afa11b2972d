/**
 * An idle trial process for each slot, so a freed slot starts its next trial at once instead of
 * paying for a fork and Node's start-up (the fork alone blocks the worker 10–100 ms, more the
 * busier the machine). Either a process forked ahead, or one whose reusable trainer finished its
 * trial and came back with the trainer still loaded. A fresh process may be of a trainer that
 * exits after its trial, so its successor is forked while it runs; a process that came back once
 * will come back again, so none is forked for it.
 */
import type { ChildProcess } from 'node:child_process';
import { forkTrialProcess } from './trial-process.js';

export class SpareProcesses {
  private readonly spares = new Map<string, ChildProcess>();
  /** Processes that came back after a trial. */
  private readonly reused = new WeakSet<ChildProcess>();
  private closed = false;

  constructor(
    private readonly fork: (env: Record<string, string>) => ChildProcess = forkTrialProcess,
  ) {}

  /** Forks the spare of a slot, if it has none. */
  prepare(slotId: string, env: Record<string, string>): void {
    if (this.closed || this.alive(this.spares.get(slotId))) return;
    const child = this.fork(env);
    // An idle spare that dies (killed from outside) is simply replaced when next needed.
    child.on('error', () => undefined);
    this.spares.set(slotId, child);
  }

  /**
   * The slot's idle process, if it is alive (else undefined: the caller forks one); unless it is
   * one that came back from a trial, a successor is forked for the next trial.
   */
  take(slotId: string, env: Record<string, string>): ChildProcess | undefined {
    const spare = this.spares.get(slotId);
    this.spares.delete(slotId);
    const usable = this.alive(spare) ? spare : undefined;
    if (!usable || !this.reused.has(usable)) this.prepare(slotId, env);
    return usable;
  }

  /** A trial's process that waits for another trial: it becomes the slot's idle process. */
  release(slotId: string, child: ChildProcess): void {
    if (this.closed || !this.alive(child)) {
      child.kill('SIGKILL');
      return;
    }
    this.reused.add(child);
    const forked = this.spares.get(slotId);
    // The successor forked in case this one would not come back is not needed.
    if (forked && forked !== child) forked.kill('SIGKILL');
    this.spares.set(slotId, child);
  }

  /** Kills every spare; no more are forked. */
  close(): void {
    this.closed = true;
    for (const child of this.spares.values()) child.kill('SIGKILL');
    this.spares.clear();
  }

  private alive(child: ChildProcess | undefined): child is ChildProcess {
    return (
      child !== undefined && child.exitCode === null && child.signalCode === null && child.connected
    );
  }
}

/**
 * One trial process forked ahead for each slot, waiting for its trial, so a freed slot starts its
 * next trial at once instead of paying for a fork and Node's start-up (0.1–0.5 s on a busy
 * machine). Each spare serves one trial, like any trial process; the next is forked as soon as it
 * is taken, while the trial runs.
 */
import type { ChildProcess } from 'node:child_process';
import { forkTrialProcess } from './trial-process.js';

export class SpareProcesses {
  private readonly spares = new Map<string, ChildProcess>();
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
   * The slot's spare, if it is alive (else undefined: the caller forks one), and a new spare
   * forked for the next trial.
   */
  take(slotId: string, env: Record<string, string>): ChildProcess | undefined {
    const spare = this.spares.get(slotId);
    this.spares.delete(slotId);
    this.prepare(slotId, env);
    return this.alive(spare) ? spare : undefined;
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

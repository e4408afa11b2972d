/**
 * What a command may touch of the outside world: its output streams, the environment and
 * Ctrl-C. `main` passes the real process; tests pass buffers and their own signals.
 */
import { launcherPid, watchProcess } from '@rung/shared';
import type { TextOut } from './render/live-frame.js';

/** Signals of the user asking a long-running command to stop. */
export interface Interrupts {
  /** Aborted on the first Ctrl-C (SIGINT), SIGTERM or SIGHUP: stop cleanly. */
  readonly interrupt: AbortSignal;
  /** Aborted on the second one: stop now, kill what is left. */
  readonly force: AbortSignal;
  /** Gives the signals back to their default behaviour. */
  release(): void;
}

/** A command's view of the process. */
export interface Io {
  readonly out: TextOut;
  readonly err: TextOut;
  readonly env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal: progress is redrawn in place rather than printed per change. */
  readonly tty: boolean;
  /** The terminal's width (80 when unknown). */
  columns(): number;
  /**
   * Takes over Ctrl-C for a command that must clean up (a cluster to stop). Short commands do not
   * call it, so Ctrl-C ends them at once.
   */
  trapInterrupts(): Interrupts;
}

/** The real process: stdout, stderr, `process.env`, SIGINT/SIGTERM/SIGHUP. */
export function processIo(): Io {
  return {
    out: process.stdout,
    err: process.stderr,
    env: process.env,
    tty: process.stdout.isTTY === true,
    columns: () => process.stdout.columns || 80,
    trapInterrupts() {
      const interrupt = new AbortController();
      const force = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (!interrupt.signal.aborted) interrupt.abort(signal);
        else force.abort(signal);
      };
      const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
      for (const s of signals) process.on(s, onSignal);
      // `npx rung up` under a process manager: npm does not pass its SIGTERM on, so its end is
      // taken as one (and a shell's end, closing a terminal, as its SIGHUP).
      const launcher = launcherPid(process.env);
      const unwatch =
        launcher === undefined ? () => {} : watchProcess(launcher, () => onSignal('SIGHUP'));
      // A closed terminal (SIGHUP) or a closed pipe makes writes fail; that must not crash the
      // CLI before it has stopped the processes it started.
      const ignore = () => {};
      process.stdout.on('error', ignore);
      process.stderr.on('error', ignore);
      return {
        interrupt: interrupt.signal,
        force: force.signal,
        release: () => {
          unwatch();
          for (const s of signals) process.off(s, onSignal);
          process.stdout.off('error', ignore);
          process.stderr.off('error', ignore);
        },
      };
    },
  };
}

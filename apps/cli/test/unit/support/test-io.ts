/** An {@link Io} that records output in strings and lets a test press Ctrl-C. */
import type { Io } from '../../../src/io.js';

/** A test Io plus its captured output and its Ctrl-C buttons. */
export interface TestIo extends Io {
  stdout(): string;
  stderr(): string;
  /** Like pressing Ctrl-C (once: stop cleanly; twice: force). */
  pressCtrlC(): void;
}

/** Output captured, no terminal unless `tty`, environment as given (not the process's). */
export function testIo(env: NodeJS.ProcessEnv = {}, tty = false): TestIo {
  let out = '';
  let err = '';
  const interrupt = new AbortController();
  const force = new AbortController();
  return {
    out: { write: (s: string) => (out += s) },
    err: { write: (s: string) => (err += s) },
    env,
    tty,
    columns: () => 100,
    trapInterrupts: () => ({
      interrupt: interrupt.signal,
      force: force.signal,
      release: () => {},
    }),
    stdout: () => out,
    stderr: () => err,
    pressCtrlC: () => (interrupt.signal.aborted ? force.abort() : interrupt.abort()),
  };
}

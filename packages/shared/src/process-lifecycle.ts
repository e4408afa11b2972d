/**
 * The start and stop of every Rung process (scheduler, worker): one place decides which signals
 * mean "stop" and how a failed start is reported.
 */

/** Calls `stop` once on SIGTERM or SIGINT (a second signal does not start a second stop). */
export function onStopSignals(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void stop(signal);
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

/** Runs a process's `main`; a start that throws prints the error and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

/**
 * The worker's side of a trial's child process: fork it, feed it the trial, deliver its reports
 * in order, stop or kill it, and turn however it ended into one {@link TrialOutcome}.
 *
 * One process per trial keeps the worker's event loop free (BullMQ renews its job locks from it)
 * and contains whatever the trainer does: a crash, an out-of-memory kill, an infinite loop.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Params } from '@rung/search';
import {
  type ChildMessage,
  type ParentMessage,
  parseChildMessage,
  type TrainerSource,
} from './protocol.js';

/** What {@link startTrialProcess} needs. */
export interface TrialProcessOptions {
  trialId: string;
  /** The trainer to run; `options` defaults to `{}`. */
  trainer: Omit<TrainerSource, 'options'> & { options?: Record<string, unknown> };
  params: Params;
  seed: number;
  /** The trial's checkpoint folder (its trainer creates it when it saves). */
  checkpointDir: string;
  /** Set when the folder holds an earlier attempt's checkpoint: the last step it covers. */
  resumeStep?: number;
  /** The W3C trace context the trial process's spans are children of (tracing on). */
  traceparent?: string;
  /** Added to the worker's environment, e.g. `CUDA_VISIBLE_DEVICES`, `RUNG_TF_BACKEND`. */
  env?: Record<string, string>;
  /**
   * Called for each report, one at a time and in order: the next call waits for the previous
   * one's promise, so a slow Redis write cannot reorder a learning curve. If it rejects, the
   * trial process is killed and `done` rejects with that error (an infrastructure failure, for
   * the job to retry).
   */
  onReport(step: number, metrics: Record<string, number>): void | Promise<void>;
  /** Called once the trainer has chosen its backend, before any report (same ordering rules). */
  onReady?(backend: string): void | Promise<void>;
  /**
   * Called when the trainer says its checkpoint folder holds its state after `step` (same
   * ordering rules: after the reports sent before it).
   */
  onCheckpoint?(step: number): void | Promise<void>;
  /** Lines from `ctx.log`, and the lines the trainer writes to stdout and stderr. */
  onLog?(line: string, source: 'trainer' | 'stdout' | 'stderr'): void;
  /**
   * Called after `done` settles with the process itself, when its trainer is reusable and it
   * waits for another trial (pass it to the next `startTrialProcess`). Without this option such a
   * process is killed.
   */
  onIdle?(child: ChildProcess): void;
}

/** How a trial process ended. */
export type TrialOutcome =
  /** The trainer finished; `metrics` are its final ones (its last report's if it returned none). */
  | { kind: 'result'; metrics: Record<string, number>; backend: string }
  /**
   * It ended because the worker asked: after `stop()` (`forced` when the grace period ran out
   * and it was killed), or `kill()`. `backend` is absent when it stopped before being ready.
   */
  | { kind: 'stopped'; backend?: string; metrics?: Record<string, number>; forced: boolean }
  /** The trainer threw; `code` is e.g. `trainer_config` for a bad parameter (do not retry). */
  | { kind: 'error'; message: string; code?: string; stack?: string }
  /** The process died without a final message (a signal, an out-of-memory kill, `exit()`). */
  | { kind: 'crashed'; exitCode: number | null; signal: NodeJS.Signals | null; message: string };

/** A running trial process. */
export interface TrialProcess {
  /** The child's pid; undefined only if the process could not be spawned at all. */
  readonly pid: number | undefined;
  /** Settles once the process has exited and every report has been delivered. */
  readonly done: Promise<TrialOutcome>;
  /**
   * Asks the trainer to stop (its `ctx.signal` aborts) and kills the process with SIGKILL if it
   * has not exited after `graceMs`.
   * @defaultValue graceMs 5000
   */
  stop(graceMs?: number): void;
  /** Kills the process now (SIGKILL). */
  kill(): void;
}

// Enough of stderr to show a stack trace or an out-of-memory message in a crash report.
const STDERR_TAIL_CHARS = 4000;
// How long to wait after the child's exit for its pipes to close.
const CLOSE_WAIT_MS = 1000;

/**
 * Forks a trial process that waits for its trial. A worker forks one ahead for each slot (see
 * spare-processes.ts), so a trial starts without paying for the fork and Node's start-up.
 * @param env added to the worker's environment (the slot's `CUDA_VISIBLE_DEVICES`, …)
 */
export function forkTrialProcess(env: Record<string, string> = {}): ChildProcess {
  const entry = childEntry();
  return fork(entry.file, [], {
    execArgv: entry.execArgv,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

/**
 * Starts one trial in a trial process: `child` when given (forked ahead with the same `env`, and
 * not yet used), else a new one.
 */
export function startTrialProcess(
  opts: TrialProcessOptions,
  child: ChildProcess = forkTrialProcess(opts.env),
): TrialProcess {
  let backend: string | undefined;
  let final: ChildMessage | undefined;
  let protocolError: string | undefined;
  let reportError: unknown;
  let forced = false;
  let exited = false;
  let graceTimer: NodeJS.Timeout | undefined;
  let stderrTail = '';
  let reports: Promise<void> = Promise.resolve();

  const killNow = (): void => {
    if (!exited) child.kill('SIGKILL');
  };

  const sendToChild = (message: ParentMessage): void => {
    // The channel can close between the check and the write (the child exiting); its exit is
    // handled on its own, so a failed write needs no handling here.
    if (child.connected) child.send(message, (err) => void err);
  };

  /** Hands a message to its callback after the ones before it; a failure kills the trial. */
  const deliver = (call: () => void | Promise<void>): void => {
    reports = reports.then(async () => {
      if (reportError !== undefined) return;
      try {
        await call();
      } catch (err) {
        reportError = err;
        killNow();
      }
    });
  };

  const violation = (message: string): void => {
    protocolError ??= `trial process broke the protocol: ${message}`;
    killNow();
  };

  const onMessage = (raw: unknown) => {
    let message: ChildMessage;
    try {
      message = parseChildMessage(raw);
    } catch (err) {
      violation((err as Error).message);
      return;
    }
    if (final) return violation(`"${message.type}" after its final message`);
    switch (message.type) {
      case 'ready': {
        if (backend !== undefined) return violation('a second "ready"');
        const ready = message.backend;
        backend = ready;
        deliver(() => opts.onReady?.(ready));
        return;
      }
      case 'report': {
        if (backend === undefined) return violation('a report before "ready"');
        const { step, metrics } = message;
        deliver(() => opts.onReport(step, metrics));
        return;
      }
      case 'checkpoint': {
        if (backend === undefined) return violation('a checkpoint before "ready"');
        const { step } = message;
        deliver(() => opts.onCheckpoint?.(step));
        return;
      }
      case 'log':
        opts.onLog?.(message.message, 'trainer');
        return;
      case 'result':
        if (!message.stopped && backend === undefined) return violation('a result before "ready"');
        final = message;
        // The process stays for another trial: this one is over now, not at an exit.
        if (message.reusable) settleIdle();
        return;
      case 'error':
        final = message;
        return;
    }
  };
  child.on('message', onMessage);

  const stopOut = lines(child.stdout, (line) => opts.onLog?.(line, 'stdout'));
  const stopErr = lines(child.stderr, (line) => {
    stderrTail = (stderrTail + line + '\n').slice(-STDERR_TAIL_CHARS);
    opts.onLog?.(line, 'stderr');
  });

  let resolveDone!: (outcome: TrialOutcome) => void;
  let rejectDone!: (err: unknown) => void;
  const done = new Promise<TrialOutcome>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  let settled = false;
  const settle = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
    if (settled) return;
    settled = true;
    exited = true;
    clearTimeout(graceTimer);
    // Resolve only after the last report is delivered: the caller records the terminal state
    // next, and it must not overtake a report still being written.
    void reports.then(() => {
      if (reportError !== undefined) return rejectDone(reportError);
      resolveDone(outcome(exitCode, signal, spawnError));
    });
  };
  /** The trial ended and its process waits for the next one: let go of it, then hand it over. */
  const settleIdle = () => {
    if (settled) return;
    settled = true;
    clearTimeout(graceTimer);
    child.off('message', onMessage);
    child.off('exit', onExit);
    child.off('error', onError);
    stopOut();
    stopErr();
    void reports.then(() => {
      if (reportError !== undefined) {
        child.kill('SIGKILL');
        return rejectDone(reportError);
      }
      resolveDone(outcome(null, null));
      if (opts.onIdle) opts.onIdle(child);
      else child.kill('SIGKILL');
    });
  };
  // 'close' comes once the pipes have drained too, so the stderr tail and the last messages
  // are in; but a grandchild that inherited the pipes could hold them open, so after 'exit'
  // wait for it only briefly.
  const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
    exited = true;
    clearTimeout(graceTimer);
    const fallback = setTimeout(() => settle(code, signal), CLOSE_WAIT_MS);
    child.once('close', () => {
      clearTimeout(fallback);
      settle(code, signal);
    });
  };
  const onError = (err: Error) => {
    // Spawning failed (no 'exit' follows); other 'error's (a failed kill or send) are moot.
    if (child.pid === undefined) settle(null, null, err);
  };
  child.on('exit', onExit);
  child.on('error', onError);

  const outcome = (
    exitCode: number | null,
    signal: NodeJS.Signals | null,
    spawnError?: Error,
  ): TrialOutcome => {
    if (protocolError !== undefined) return { kind: 'error', message: protocolError };
    if (final?.type === 'result') {
      if (final.stopped) {
        return {
          kind: 'stopped',
          ...(backend !== undefined && { backend }),
          ...(final.metrics && { metrics: final.metrics }),
          forced: false,
        };
      }
      return { kind: 'result', metrics: final.metrics ?? {}, backend: backend! };
    }
    if (final?.type === 'error') {
      const { message, code, stack } = final;
      return { kind: 'error', message, ...(code && { code }), ...(stack && { stack }) };
    }
    if (forced) return { kind: 'stopped', ...(backend !== undefined && { backend }), forced: true };
    const cause = spawnError
      ? `trainer process could not start: ${spawnError.message}`
      : signal
        ? `trainer process killed by ${signal}`
        : `trainer process exited with code ${exitCode} without a result`;
    const tail = stderrTail.trim();
    return {
      kind: 'crashed',
      exitCode,
      signal,
      message: tail ? `${cause}; stderr:\n${tail}` : cause,
    };
  };

  sendToChild({
    type: 'start',
    trialId: opts.trialId,
    trainer: { ...opts.trainer, options: opts.trainer.options ?? {} },
    params: opts.params,
    seed: opts.seed,
    checkpointDir: opts.checkpointDir,
    ...(opts.resumeStep !== undefined && { resumeStep: opts.resumeStep }),
    ...(opts.traceparent !== undefined && { traceparent: opts.traceparent }),
  });

  return {
    pid: child.pid,
    done,
    stop(graceMs = 5000) {
      if (exited || settled) return;
      sendToChild({ type: 'stop' });
      if (graceTimer === undefined) {
        graceTimer = setTimeout(() => {
          forced = true;
          killNow();
        }, graceMs);
      }
    },
    kill() {
      if (exited || settled) return;
      forced = true;
      killNow();
    },
  };
}

/**
 * The child's entry file and the Node flags to run it: the compiled `child.js` next to this
 * file, or, when this file runs as TypeScript source (tests, `tsx`), `child.ts` through tsx with
 * workspace packages resolved to their source.
 */
function childEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const dir = path.dirname(here);
  if (!here.endsWith('.ts')) return { file: path.join(dir, 'child.js'), execArgv: [] };
  // Resolved from this package rather than left as a bare `tsx`, which Node would resolve from
  // the current directory.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return {
    file: path.join(dir, 'child.ts'),
    execArgv: ['--conditions=@rung/source', '--import', tsx],
  };
}

/**
 * Calls `onLine` for each line of a stream, and keeps it flowing so the child never blocks.
 * Returns what detaches it (a reused process outlives the trial).
 */
function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): () => void {
  if (!stream) return () => undefined;
  let partial = '';
  stream.setEncoding('utf8');
  const onData = (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) onLine(line);
  };
  const onEnd = () => {
    if (partial) onLine(partial);
    partial = '';
  };
  stream.on('data', onData);
  stream.on('end', onEnd);
  return () => {
    onEnd();
    stream.off('data', onData);
    stream.off('end', onEnd);
    // Keep an idle process's output flowing (and dropped) until its next trial listens.
    stream.resume();
  };
}

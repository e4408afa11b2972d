/**
 * Entry point of a trial's child process (`node dist/trial-process/child.js`, forked with an IPC
 * channel by `startTrialProcess`).
 *
 * It waits for `start`, loads the trainer, selects the TensorFlow.js backend, says `ready`, runs
 * the trainer forwarding its reports, and ends with one `result` or `error` message. Anything the
 * trainer does — throw, leak, hang, crash — stays in this process; the worker only sees messages
 * and an exit status. A trainer that says it is `reusable` keeps the process for the slot's next
 * trial: after its result the process waits for another `start`.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpanStatusCode } from '@opentelemetry/api';
import { contextFrom, startTracing, traceparentOf, tracer } from '@rung/shared/tracing';
import { createCommandTrainer } from '../trainers/command/command-trainer.js';
import { asTrainer, loadTrainer } from '../trainers/registry.js';
import type { Trainer, TrainerContext } from '../trainers/trainer.js';
import {
  type ChildMessage,
  checkMetrics,
  checkStep,
  ProtocolError,
  parseParentMessage,
  type StartMessage,
} from './protocol.js';

const send = process.send?.bind(process);
if (!send) {
  process.stderr.write('rung trial process: must be forked with an IPC channel\n');
  process.exit(2);
}

// Spans of the trials it runs, when the worker's environment asks for traces.
const tracingStarted = startTracing('rung-trial');

let abort = new AbortController();
let started = false;
let finishing = false;
/** Set while a reusable process waits for its next trial. */
let between = false;

// The worker going away (crash, SIGKILL) closes the channel: nobody is left to report to, and a
// trainer left running would hold a GPU, so end at once.
process.on('disconnect', () => process.exit(1));

// Ctrl-C in a terminal signals the whole process group; the worker decides how its trials end
// (stop, then kill after a grace period), so the child does not die on its own first.
process.on('SIGINT', () => {});

// A trainer may throw from a timer or a stream callback, outside the promise we await.
process.on('uncaughtException', (err) => finishWithError(err));
process.on('unhandledRejection', (reason) => finishWithError(reason));

process.on('message', (raw: unknown) => {
  let message: ReturnType<typeof parseParentMessage>;
  try {
    message = parseParentMessage(raw);
  } catch (err) {
    finishWithError(err);
    return;
  }
  if (message.type === 'stop') {
    if (started) abort.abort();
    // Waiting between two trials: a stop meant for the one that just ended changes nothing.
    else if (!between) finish({ type: 'result', stopped: true }, 0);
    return;
  }
  if (started) {
    finishWithError(new ProtocolError('received a second start message'));
    return;
  }
  started = true;
  between = false;
  run(message).catch(finishWithError);
});

/** Runs a trial inside its `trial.train` span, sent off before the result goes to the worker. */
async function run(start: StartMessage): Promise<void> {
  // Registered before the first span (a no-op at once when tracing is off).
  await tracingStarted;
  const span = tracer().startSpan(
    'trial.train',
    { attributes: { 'rung.trial.id': start.trialId, 'rung.trainer': start.trainer.name } },
    contextFrom(start.traceparent),
  );
  // A command trainer's program may go on with the trace (OTel's TRACEPARENT convention).
  const traceparent = traceparentOf(span);
  if (traceparent) process.env.TRACEPARENT = traceparent;
  else delete process.env.TRACEPARENT;
  try {
    const tracing = await tracingStarted;
    await train(start, async (reports, stopped) => {
      span.setAttribute('rung.reports', reports);
      span.setAttribute('rung.stopped', stopped);
      span.end();
      // The process may be killed right after its result: its spans go first.
      await tracing.flush().catch(() => undefined);
    });
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
    span.end();
    await (await tracingStarted).flush().catch(() => undefined);
    throw err;
  }
}

async function train(
  start: StartMessage,
  ended: (reports: number, stopped: boolean) => Promise<void>,
): Promise<void> {
  process.title = `rung-trial ${start.trialId}`;
  const log = (message: string): void => post({ type: 'log', message: String(message) });

  const trainer = await resolveTrainer(start.trainer);
  let backend = 'none';
  if (trainer.tfjs !== false) {
    // Imported here, not at the top: a trainer that does not use TensorFlow.js never loads it.
    const { selectBackend } = await import('../trainers/tf-backend.js');
    backend = await selectBackend(process.env.RUNG_TF_BACKEND, log);
  }
  post({ type: 'ready', backend });
  if (abort.signal.aborted) {
    // Stopped while loading (TensorFlow.js takes a second or more): do not start at all.
    await ended(0, true);
    finish({ type: 'result', stopped: true }, 0);
    return;
  }

  let last: Record<string, number> | undefined;
  let reports = 0;
  const ctx: TrainerContext = {
    trialId: start.trialId,
    report(step, metrics) {
      let message: ChildMessage;
      try {
        message = { type: 'report', step: checkStep(step), metrics: checkMetrics(metrics) };
      } catch (err) {
        // A TypeError, thrown into the trainer at the faulty call, with the protocol's wording.
        throw new TypeError(`ctx.report: ${(err as Error).message}`);
      }
      last = message.metrics;
      reports++;
      post(message);
    },
    signal: abort.signal,
    options: start.trainer.options,
    seed: start.seed,
    backend,
    log,
    checkpointDir: start.checkpointDir,
    ...(start.resumeStep !== undefined && {
      resumeFrom: { dir: start.checkpointDir, step: start.resumeStep },
    }),
    checkpointSaved(step) {
      let message: ChildMessage;
      try {
        message = { type: 'checkpoint', step: checkStep(step) };
      } catch (err) {
        throw new TypeError(`ctx.checkpointSaved: ${(err as Error).message}`);
      }
      post(message);
    },
  };

  let returned: unknown;
  try {
    returned = await trainer.train(start.params, ctx);
  } catch (err) {
    // A trainer interrupted by the stop may well throw (an AbortError, a half-built tensor);
    // that is the stop working, not a failure.
    if (abort.signal.aborted) {
      await ended(reports, true);
      finish({ type: 'result', stopped: true, ...(last && { metrics: last }) }, 0);
      return;
    }
    throw err;
  }
  const metrics =
    returned === undefined || returned === null
      ? last
      : checkMetrics(returned, 'the metrics returned by train()');
  const result = {
    type: 'result',
    stopped: abort.signal.aborted,
    ...(metrics && { metrics }),
  } as const;
  await ended(reports, result.stopped);
  if (trainer.reusable && process.connected) {
    // Ready for the slot's next trial, with the trainer (and its backend) already loaded.
    started = false;
    between = true;
    abort = new AbortController();
    post({ ...result, reusable: true });
    return;
  }
  finish(result, 0);
}

async function resolveTrainer(spec: StartMessage['trainer']): Promise<Trainer> {
  if (spec.command !== undefined) return createCommandTrainer(spec.command);
  if (spec.module === undefined) return await loadTrainer(spec.name);
  const url = spec.module.startsWith('file:')
    ? spec.module
    : pathToFileURL(path.resolve(spec.module)).href;
  return asTrainer(await import(url), `module trainer "${spec.name}" (${spec.module})`);
}

function post(message: ChildMessage): void {
  if (process.connected) send!(message);
}

/** Sends the final message, then exits once it is flushed (exiting at once could drop it). */
function finish(message: ChildMessage, exitCode: number): void {
  if (finishing) return;
  finishing = true;
  if (!process.connected) process.exit(exitCode);
  send!(message, undefined, {}, () => process.exit(exitCode));
  // If the channel is wedged, the callback may never come; do not linger as an orphan.
  setTimeout(() => process.exit(exitCode), 2000).unref();
}

function finishWithError(err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  finish(
    {
      type: 'error',
      message: e.message || e.name || 'unknown error',
      ...(e.stack && { stack: e.stack }),
      ...(typeof code === 'string' && code !== '' && { code }),
    },
    1,
  );
}

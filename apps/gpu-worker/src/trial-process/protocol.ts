/**
 * The IPC protocol between the worker and a trial's child process.
 *
 * parent → child: `start`, then maybe `stop`.
 * child → parent: `ready` (backend chosen), any number of `report`, `checkpoint` and `log`, then
 * exactly one of
 * `result` or `error`, then the child exits — unless the result says `reusable`: the trainer
 * allows it, so the child waits for the next `start`, its trainer (and TensorFlow.js) loaded.
 *
 * Both sides validate what they receive: the child runs user code, and a trainer that corrupts
 * its process must produce a clear error in the worker, not a malformed record in Redis.
 */
import type { Params } from '@rung/search';
import type { CommandSpec } from '../trainers/command/command-trainer.js';

/** Which trainer to run, and its options. */
export interface TrainerSource {
  /** A built-in trainer's name (see `listTrainers`), or the name a module trainer is known by. */
  name: string;
  /**
   * Absolute path (or file URL) of a module trainer, from the worker's own config; never from a
   * sweep, which can only name trainers. When absent, `name` must be a built-in trainer.
   */
  module?: string;
  /** A command trainer's program and how to run it, from the worker's own registration. */
  command?: CommandSpec;
  /** The sweep's `trainer.options`. */
  options: Record<string, unknown>;
}

/** parent → child: run this trial. */
export interface StartMessage {
  type: 'start';
  trialId: string;
  trainer: TrainerSource;
  params: Params;
  seed: number;
  /** The trial's checkpoint folder (kept across its attempts). */
  checkpointDir: string;
  /** Set when the folder holds an earlier attempt's checkpoint: the last step it covers. */
  resumeStep?: number;
  /** The W3C trace context of the worker's `trial.run` span, when tracing is on. */
  traceparent?: string;
}

/** parent → child: abort the trainer's signal and finish. */
export interface StopMessage {
  type: 'stop';
}

/** Everything the parent sends. */
export type ParentMessage = StartMessage | StopMessage;

/** child → parent: the trainer is loaded and the backend initialised; training starts. */
export interface ReadyMessage {
  type: 'ready';
  /** TensorFlow.js backend in use (`tensorflow`, `wasm`, `cpu`), or `none`. */
  backend: string;
}

/** child → parent: one intermediate result. */
export interface ReportMessage {
  type: 'report';
  step: number;
  metrics: Record<string, number>;
}

/** child → parent: the checkpoint folder now holds the trainer's state after `step`. */
export interface CheckpointMessage {
  type: 'checkpoint';
  step: number;
}

/** child → parent: a line from `ctx.log`. */
export interface LogMessage {
  type: 'log';
  message: string;
}

/** child → parent: the trainer returned. */
export interface ResultMessage {
  type: 'result';
  /** The trainer's final metrics, else its last report's; absent when it reported nothing. */
  metrics?: Record<string, number>;
  /** True when it returned after a `stop`. */
  stopped: boolean;
  /** The process stays for another trial (its trainer exports `reusable = true`). */
  reusable?: boolean;
}

/** child → parent: the trainer (or loading it) failed. */
export interface ErrorMessage {
  type: 'error';
  message: string;
  stack?: string;
  /** The error's `code`, e.g. `trainer_config` for a bad parameter, so it is not retried. */
  code?: string;
}

/** Everything the child sends. */
export type ChildMessage =
  | ReadyMessage
  | ReportMessage
  | CheckpointMessage
  | LogMessage
  | ResultMessage
  | ErrorMessage;

/** A message that does not follow this protocol. */
export class ProtocolError extends Error {
  /** Stable code, as for the trainer errors. */
  readonly code = 'trial_protocol';

  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Validates a message received by the child. @throws ProtocolError */
export function parseParentMessage(value: unknown): ParentMessage {
  const m = record(value, 'message');
  switch (m.type) {
    case 'start': {
      const trainer = record(m.trainer, 'start.trainer');
      if (trainer.module !== undefined) string(trainer.module, 'start.trainer.module');
      // The worker wrote it from its own config; its shape is checked where it is read.
      if (trainer.command !== undefined) record(trainer.command, 'start.trainer.command');
      return {
        type: 'start',
        trialId: string(m.trialId, 'start.trialId'),
        trainer: {
          name: string(trainer.name, 'start.trainer.name'),
          ...(trainer.module !== undefined && { module: trainer.module as string }),
          ...(trainer.command !== undefined && { command: trainer.command as CommandSpec }),
          options: record(trainer.options ?? {}, 'start.trainer.options'),
        },
        params: params(m.params, 'start.params'),
        seed: integer(m.seed, 'start.seed'),
        checkpointDir: string(m.checkpointDir, 'start.checkpointDir'),
        ...(m.resumeStep !== undefined && {
          resumeStep: checkStep(m.resumeStep, 'start.resumeStep'),
        }),
        ...(m.traceparent !== undefined && {
          traceparent: string(m.traceparent, 'start.traceparent'),
        }),
      };
    }
    case 'stop':
      return { type: 'stop' };
    default:
      throw new ProtocolError(`unknown message type ${JSON.stringify(m.type)} from the worker`);
  }
}

/** Validates a message received by the parent. @throws ProtocolError */
export function parseChildMessage(value: unknown): ChildMessage {
  const m = record(value, 'message');
  switch (m.type) {
    case 'ready':
      return { type: 'ready', backend: string(m.backend, 'ready.backend') };
    case 'report':
      return {
        type: 'report',
        step: checkStep(m.step, 'report.step'),
        metrics: checkMetrics(m.metrics, 'report.metrics'),
      };
    case 'checkpoint':
      return { type: 'checkpoint', step: checkStep(m.step, 'checkpoint.step') };
    case 'log':
      return { type: 'log', message: string(m.message, 'log.message') };
    case 'result': {
      if (typeof m.stopped !== 'boolean') fail('result.stopped', 'a boolean', m.stopped);
      const result: ResultMessage = { type: 'result', stopped: m.stopped };
      if (m.metrics !== undefined) result.metrics = checkMetrics(m.metrics, 'result.metrics');
      if (m.reusable !== undefined) {
        if (typeof m.reusable !== 'boolean') fail('result.reusable', 'a boolean', m.reusable);
        result.reusable = m.reusable;
      }
      return result;
    }
    case 'error': {
      const error: ErrorMessage = { type: 'error', message: string(m.message, 'error.message') };
      if (m.stack !== undefined) error.stack = string(m.stack, 'error.stack');
      if (m.code !== undefined) error.code = string(m.code, 'error.code');
      return error;
    }
    default:
      throw new ProtocolError(
        `unknown message type ${JSON.stringify(m.type)} from the trial process`,
      );
  }
}

/**
 * A report's step: a non-negative integer (an epoch, an iteration count), because pruners place
 * reports on rungs by step.
 * @throws ProtocolError
 */
export function checkStep(value: unknown, what = 'step'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(what, 'a non-negative integer', value);
  }
  return value;
}

/**
 * Metrics: a plain object of finite numbers. NaN and Infinity are refused here, at the source,
 * because JSON (IPC, Redis) cannot carry them and a pruner cannot rank them.
 * @throws ProtocolError
 */
export function checkMetrics(value: unknown, what = 'metrics'): Record<string, number> {
  const m = record(value, what);
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(m)) {
    if (name === '') throw new ProtocolError(`${what} has an empty metric name`);
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${what}.${name}`, 'a finite number', v);
    out[name] = v;
  }
  return out;
}

function fail(what: string, expected: string, got: unknown): never {
  const shown = typeof got === 'number' ? String(got) : (JSON.stringify(got) ?? String(got));
  throw new ProtocolError(`${what} must be ${expected}; got ${shown}`);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(what, 'an object', value);
  }
  return value as Record<string, unknown>;
}

function string(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') fail(what, 'a non-empty string', value);
  return value;
}

function integer(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(what, 'an integer', value);
  return value;
}

function params(value: unknown, what: string): Params {
  const p = record(value, what);
  for (const [name, v] of Object.entries(p)) {
    if (typeof v === 'object' && v !== null) params(v, `${what}.${name}`);
    else if (!['string', 'number', 'boolean'].includes(typeof v) && v !== null) {
      fail(`${what}.${name}`, 'a string, number, boolean, null or nested object', v);
    }
  }
  return p as Params;
}

/**
 * Command trainers: any program is a trial. The trial process runs the program the worker
 * registered (W&B's `program`/`command`, see command-line.ts) in a process group of its own, and
 * turns what it reports into the trial's reports:
 *
 * - JSON lines on stdout (`{"step": 3, "val_loss": 0.31}`), and, when the trainer has a
 *   `metricRegex`, `name=value` lines (Katib's format);
 * - JSON lines appended to `$RUNG_METRICS_FILE` (what the Python helper `rung.py` and the `wandb`
 *   shim write), so the program's own prints never mix with its metrics; a `{"summary": {…}}`
 *   line there gives the trial's final metrics (W&B judges a run by its summary);
 * - `{"checkpoint": {"step": N}}` lines (either way): `$RUNG_CHECKPOINT_DIR` holds the state
 *   after step N. A retried attempt gets `$RUNG_RESUME_FROM` and `$RUNG_RESUME_STEP`.
 *
 * Parameters reach the program as arguments (the command's macros), as `$RUNG_PARAMS` (JSON) and
 * in the file `$RUNG_PARAMS_FILE`. A stop (prune, cancel) creates `$RUNG_STOP_FILE`, sends
 * SIGTERM to the program's process group, and SIGKILL after the grace period. A non-zero exit
 * fails the trial with the tail of the program's stderr.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import type { Params } from '@rung/search';
import type { Trainer, TrainerContext, TrainResult } from '../trainer.js';
import { commandLine } from './command-line.js';
import {
  type LineReport,
  parseCheckpointLine,
  parseMetricLine,
  parseSummaryLine,
} from './metric-lines.js';

/** A registered command trainer: what to run, and how. Paths are absolute. */
export interface CommandSpec {
  /** The program (`${program}`); may be absent when the command names everything itself. */
  program?: string;
  /** W&B's `command` list, with its macros. @defaultValue `${env} ${interpreter} ${program} ${args}` */
  command?: string[];
  /** `${interpreter}`. @defaultValue from the program's extension (`.py` → python3) */
  interpreter?: string;
  /** Working directory (the folder of the sweep file or worker config that named the program). */
  cwd: string;
  /** Added to the worker's environment. */
  env?: Record<string, string>;
  /** A regex whose groups 1 and 2 are a metric's name and value, for `name=value` output. */
  metricRegex?: string;
  /** Put Rung's `wandb` shim first on PYTHONPATH, so scripts written for W&B run unchanged. @defaultValue true */
  wandbShim?: boolean;
  /** Time from SIGTERM to SIGKILL when the trial is stopped. @defaultValue 10000 */
  stopGraceMs?: number;
}

/** Rung's Python files: `helper/rung.py`, and the `wandb` shim under `wandb-shim/`. */
export const PYTHON_DIR = fileURLToPath(new URL('../../../python/', import.meta.url));

// Enough of stderr to show a traceback in a failed trial's reason.
const STDERR_TAIL_CHARS = 4000;
// How often the metrics file is read for new lines.
const METRICS_POLL_MS = 100;

export function createCommandTrainer(spec: CommandSpec): Trainer {
  return {
    tfjs: false,
    // The program is a new process each trial; the runner itself keeps nothing between trials.
    reusable: true,
    train: (params, ctx) => runCommand(spec, params, ctx),
  };
}

async function runCommand(
  spec: CommandSpec,
  params: Params,
  ctx: TrainerContext,
): Promise<TrainResult | undefined> {
  const work = mkdtempSync(path.join(tmpdir(), 'rung-trial-'));
  const files = {
    params: path.join(work, 'params.json'),
    metrics: path.join(work, 'metrics.jsonl'),
    stop: path.join(work, 'stop'),
  };
  writeFileSync(files.params, JSON.stringify(params));
  writeFileSync(files.metrics, '');
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...spec.env,
    PYTHONUNBUFFERED: '1',
    PYTHONPATH: pythonPath(spec.wandbShim ?? true, process.env.PYTHONPATH),
    RUNG_TRIAL_ID: ctx.trialId,
    RUNG_SEED: String(ctx.seed),
    RUNG_PARAMS: JSON.stringify(params),
    RUNG_PARAMS_FILE: files.params,
    RUNG_METRICS_FILE: files.metrics,
    RUNG_STOP_FILE: files.stop,
    RUNG_CHECKPOINT_DIR: ctx.checkpointDir,
    ...(ctx.resumeFrom && {
      RUNG_RESUME_FROM: ctx.resumeFrom.dir,
      RUNG_RESUME_STEP: String(ctx.resumeFrom.step),
    }),
  };
  const argv = commandLine({
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.program ? { program: spec.program } : {}),
    ...(spec.interpreter ? { interpreter: spec.interpreter } : {}),
    params,
    paramsFile: files.params,
    env,
  });
  if (argv.length === 0) throw new Error('command trainer: the command is empty');
  // The program run as the executable itself: from the working folder, not looked up on PATH.
  if (argv[0] === spec.program && !argv[0]!.includes(path.sep)) argv[0] = `.${path.sep}${argv[0]}`;
  ctx.log(`running: ${argv.join(' ')}`);

  const regex = spec.metricRegex ? new RegExp(spec.metricRegex) : undefined;
  const reports = new StepCounter(ctx, ctx.resumeFrom?.step ?? 0);
  /** A checkpoint line, else a report line; false for neither. */
  const take = (line: string, regex?: RegExp): boolean => {
    const checkpoint = parseCheckpointLine(line);
    if (checkpoint !== undefined) {
      ctx.checkpointSaved(checkpoint);
      return true;
    }
    const found = parseMetricLine(line, regex);
    if (found) reports.add(found);
    return found !== undefined;
  };
  const metricsFile = new FileTail(files.metrics);
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: spec.cwd,
    env,
    // Its own process group: a stop reaches the program's children too (data loaders, torchrun).
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderrTail = '';
  onLines(child.stdout, (line) => {
    if (!take(line, regex)) ctx.log(line);
  });
  onLines(child.stderr, (line) => {
    stderrTail = `${stderrTail}${line}\n`.slice(-STDERR_TAIL_CHARS);
    ctx.log(line);
  });
  let summary: TrainResult | undefined;
  const readMetricsFile = (final: boolean) => {
    for (const line of metricsFile.newLines(final)) {
      if (!take(line)) summary = parseSummaryLine(line) ?? summary;
    }
  };
  const poll = setInterval(() => readMetricsFile(false), METRICS_POLL_MS);

  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    writeFileSync(files.stop, '');
    signalGroup(child, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), spec.stopGraceMs ?? 10_000);
  };
  if (ctx.signal.aborted) stop();
  else ctx.signal.addEventListener('abort', stop, { once: true });

  try {
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        child.once('error', reject);
        // 'close': the pipes are drained too, so every printed line is in.
        child.once('close', (code, signal) => resolve({ code, signal }));
      },
    ).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`command trainer: cannot run ${argv[0]}: ${err.message}`);
    });
    readMetricsFile(true);
    if (ctx.signal.aborted) return undefined;
    if (exit.code !== 0) {
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      const tail = stderrTail.trim();
      throw new Error(`the program ${how}${tail ? `; stderr:\n${tail}` : ''}`);
    }
    return summary;
  } finally {
    clearInterval(poll);
    clearTimeout(killTimer);
    ctx.signal.removeEventListener('abort', stop);
    metricsFile.close();
    // A program that left children behind: they must not outlive the trial.
    signalGroup(child, 'SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

/** PYTHONPATH for the program: the shim (unless opted out) and the helper, then the inherited one. */
function pythonPath(shim: boolean, inherited: string | undefined): string {
  const dirs = [
    ...(shim ? [path.join(PYTHON_DIR, 'wandb-shim')] : []),
    path.join(PYTHON_DIR, 'helper'),
  ];
  return [...dirs, ...(inherited ? [inherited] : [])].join(path.delimiter);
}

/** Sends a signal to the child's whole process group (it leads one: `detached`). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * Numbers reports that name no step (one past the last; a resumed trial's first is one past its
 * checkpoint's), and sends them to the trainer context.
 */
class StepCounter {
  constructor(
    private readonly ctx: TrainerContext,
    private last: number,
  ) {}

  add(report: LineReport): void {
    const step = report.step ?? this.last + 1;
    this.last = Math.max(this.last, step);
    this.ctx.report(step, report.metrics);
  }
}

/** The lines appended to a file since the last read. */
class FileTail {
  private readonly fd: number;
  private position = 0;
  private partial = '';
  private readonly buffer = Buffer.alloc(64 * 1024);
  // A character split across two reads is kept until its last byte comes.
  private readonly decoder = new StringDecoder('utf8');

  constructor(file: string) {
    this.fd = openSync(file, 'r');
  }

  /** New complete lines; with `final`, a last line without its newline too. */
  newLines(final = false): string[] {
    let text = '';
    for (;;) {
      const n = readSync(this.fd, this.buffer, 0, this.buffer.length, this.position);
      if (n === 0) break;
      this.position += n;
      text += this.decoder.write(this.buffer.subarray(0, n));
    }
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    if (final && this.partial) {
      parts.push(this.partial);
      this.partial = '';
    }
    return parts.filter((l) => l.trim() !== '');
  }

  close(): void {
    closeSync(this.fd);
  }
}

function onLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) onLine(line);
  });
  stream.on('end', () => {
    if (partial) onLine(partial);
  });
}

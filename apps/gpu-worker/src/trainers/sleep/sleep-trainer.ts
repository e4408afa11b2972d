/**
 * The built-in `sleep` trainer: waits a fixed time per step and reports a synthetic learning curve
 * derived from the trial's parameters and seed. No TensorFlow.js, no CPU to speak of — for load
 * tests, chaos tests and smoke-testing a cluster (`trainer: { name: sleep, options: { steps: 10,
 * seconds_per_step: 1 } }`).
 *
 * The curve: `val_loss(step) = floor + (1 − floor) · exp(−rate · step)`, where `floor` and `rate`
 * come from a hash of the parameters (numeric parameters move them smoothly: a numeric `x` in the
 * spec adds `(x − 0.5)²` to the floor), so that samplers and pruners have something to work on and
 * the same parameters always give the same curve. `loss` is val_loss × 0.9.
 */
import type { Params } from '@rung/search';
import { TrainerConfigError, type TrainerContext, type TrainResult } from '../trainer.js';

/** This trainer does not use TensorFlow.js. */
export const tfjs = false;

/** It keeps no state between trials: its process serves the slot's next trial too. */
export const reusable = true;

/** Options of the sleep trainer (`trainer.options`). */
export interface SleepOptions {
  /** Steps reported. @defaultValue 10 */
  steps: number;
  /** Time spent per step. @defaultValue 1 */
  seconds_per_step: number;
  /** Report this metric name instead of val_loss (loss stays `loss`). @defaultValue `val_loss` */
  metric: string;
}

const DEFAULTS: SleepOptions = { steps: 10, seconds_per_step: 1, metric: 'val_loss' };

export function parseSleepOptions(raw: Record<string, unknown>): SleepOptions {
  for (const key of Object.keys(raw)) {
    if (!(key in DEFAULTS)) {
      throw new TrainerConfigError(
        `sleep trainer: unknown option '${key}' (known: ${Object.keys(DEFAULTS).join(', ')})`,
      );
    }
  }
  const options = { ...DEFAULTS, ...raw } as SleepOptions;
  if (!Number.isInteger(options.steps) || options.steps < 1 || options.steps > 1_000_000) {
    throw new TrainerConfigError(
      `sleep trainer: steps must be an integer in [1, 1000000], got ${String(options.steps)}`,
    );
  }
  if (
    typeof options.seconds_per_step !== 'number' ||
    !(options.seconds_per_step >= 0 && options.seconds_per_step <= 3600)
  ) {
    throw new TrainerConfigError(
      `sleep trainer: seconds_per_step must be a number in [0, 3600], got ${String(options.seconds_per_step)}`,
    );
  }
  if (typeof options.metric !== 'string' || options.metric === '') {
    throw new TrainerConfigError('sleep trainer: metric must be a non-empty string');
  }
  return options;
}

/** A hash of a string into [0, 1) (FNV-1a, then a finaliser). */
function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39) >>> 0;
  return ((h ^ (h >>> 15)) >>> 0) / 2 ** 32;
}

/** The synthetic curve's shape for a trial: where it levels off, and how fast it gets there. */
export function curveOf(params: Params, seed: number): { floor: number; rate: number } {
  const names = Object.keys(params).sort();
  let bowl = 0;
  for (const name of names) {
    const v = params[name];
    if (typeof v === 'number' && Number.isFinite(v))
      bowl += (Math.min(Math.max(v, -10), 10) - 0.5) ** 2;
  }
  const key = JSON.stringify(names.map((n) => [n, params[n]]));
  const floor = 0.05 + 0.3 * unitHash(`${key}|floor`) + Math.min(bowl, 10) * 0.05;
  const rate = 0.1 + 0.6 * unitHash(`${key}|rate|${seed}`);
  return { floor, rate };
}

export async function train(params: Params, ctx: TrainerContext): Promise<TrainResult | undefined> {
  const options = parseSleepOptions(ctx.options);
  const { floor, rate } = curveOf(params, ctx.seed);
  let last: TrainResult | undefined;
  for (let step = 1; step <= options.steps; step++) {
    if (ctx.signal.aborted) return last;
    await sleep(options.seconds_per_step * 1000, ctx.signal);
    if (ctx.signal.aborted) return last;
    const value = floor + (1 - floor) * Math.exp(-rate * step);
    last = { [options.metric]: value, loss: value * 0.9 };
    ctx.report(step, last);
  }
  return last;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

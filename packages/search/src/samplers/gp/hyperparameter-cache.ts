/**
 * When hyperparameters are refitted, and from where, made a function of the history alone.
 *
 * A sampler's result must not depend on its cache (a restarted scheduler, or another replica,
 * must suggest the same point), yet refitting from scratch at every suggestion is what makes a
 * GP slow at a few hundred trials. So the fit is tied to checkpoints: with n usable observations,
 * the hyperparameters are those fitted on the first m of them (in trial-number order), m the
 * largest checkpoint ≤ n, where checkpoints are every count up to 32 and then grow by 10%. The
 * fit at a checkpoint starts from the fit at the checkpoint before (a warm start, which keeps
 * successive models consistent and the fit to a few iterations) plus, while m is small enough
 * for it to be cheap, a cold start from the defaults. Each checkpoint's fit is cached under a
 * hash of its observations, so a sequential sweep fits each checkpoint once, and a fresh instance
 * recomputes the same chain and gets the same numbers.
 *
 * Beyond `maxFitObservations`, each checkpoint's fit uses a capped subset (the best half and the
 * most recent) and starts from the last checkpoint within the cap, which bounds both the cost of
 * a fit and the work a fresh instance must redo.
 *
 * The posterior uses every observation (up to its own cap); only the hyperparameters lag, by at
 * most 10%.
 */
import { fitHyperparameters } from './fit.js';
import { defaultHyperparameters } from './hyperparameters.js';
import { type OutputTransform, transformLosses } from './output-transform.js';

/** One usable observation: its trial number, features and loss. */
export interface Observation {
  readonly number: number;
  readonly x: Float64Array;
  readonly loss: number;
  /** False for a pruned trial's last loss: it informs the model but is never the incumbent. */
  readonly completed: boolean;
}

/** Every count up to this is a checkpoint. */
const DENSE_CHECKPOINTS = 32;
/** Beyond DENSE_CHECKPOINTS, each checkpoint is 10% above the previous one. */
const CHECKPOINT_GROWTH = 0.1;
/** Checkpoints up to this size also get a cold start (at 64 points a fit costs ~1 ms per step). */
const COLD_START_LIMIT = 64;
const COLD_ITERATIONS = 100;
const WARM_ITERATIONS = 50;
/** Enough entries for every checkpoint of a long sweep plus a few stale branches. */
const MAX_ENTRIES = 256;

/** The checkpoints ≤ n, ascending, from 2. */
export function checkpoints(n: number): number[] {
  const out: number[] = [];
  for (
    let m = 2;
    m <= n;
    m = m < DENSE_CHECKPOINTS ? m + 1 : m + Math.ceil(m * CHECKPOINT_GROWTH)
  ) {
    out.push(m);
  }
  return out;
}

/**
 * At most `cap` of the observations, deterministically: the best ⌈cap/2⌉ by loss, then the most
 * recent by trial number. The best points shape the model where it matters (around the
 * optimum); recent ones keep it current. Returned in trial-number order.
 */
export function capObservations(obs: readonly Observation[], cap: number): Observation[] {
  if (obs.length <= cap) return obs.slice();
  const byLoss = obs.map((_, i) => i).sort((a, b) => obs[a]!.loss - obs[b]!.loss || a - b);
  const keep = new Set(byLoss.slice(0, Math.ceil(cap / 2)));
  for (let i = obs.length - 1; i >= 0 && keep.size < cap; i--) keep.add(i);
  return [...keep].sort((a, b) => a - b).map((i) => obs[i]!);
}

/** Features (row-major) and transformed outputs of a set of observations. */
export function trainingData(
  obs: readonly Observation[],
  d: number,
  transform: OutputTransform,
): { X: Float64Array; y: Float64Array } {
  const X = new Float64Array(obs.length * d);
  obs.forEach((o, i) => {
    X.set(o.x, i * d);
  });
  return {
    X,
    y: transformLosses(
      obs.map((o) => o.loss),
      transform,
    ),
  };
}

/** Mixes a float's bits into a pair of 32-bit hashes. */
function mixFloat(h: Uint32Array, bits: Uint32Array, f64: Float64Array, v: number): void {
  f64[0] = v;
  for (let k = 0; k < 2; k++) {
    h[0] = Math.imul(h[0]! ^ bits[k]!, 0x01000193);
    h[1] = Math.imul((h[1]! + bits[k]!) ^ (h[1]! >>> 15), 0x2c1b3c6d);
  }
}

/** The sampler options a fit depends on (part of what a cached θ means). */
export interface HyperparameterCacheOptions {
  readonly maxFitObservations: number;
  readonly outputTransform: OutputTransform;
}

/** θ (see hyperparameters.ts) per checkpoint, on one sampler instance. */
export class HyperparameterCache {
  private readonly entries = new Map<string, Float64Array>();

  constructor(private readonly options: HyperparameterCacheOptions) {}

  /** The hyperparameters for these observations (trial-number order, at least 2 of them). */
  hyperparameters(obs: readonly Observation[], categorical: Uint8Array): Float64Array {
    const levels = checkpoints(obs.length);
    const keys = this.prefixKeys(obs, levels);
    const top = levels.length - 1;
    const cached = this.entries.get(keys[top]!);
    if (cached) return cached;
    // Checkpoints beyond the fit cap all warm-start from the last one within it (the anchor),
    // not from each other, so that a fresh instance deep into a long sweep fits two chains'
    // worth of levels at most, not dozens.
    let anchor = top;
    while (anchor > 0 && levels[anchor]! > this.options.maxFitObservations) anchor--;
    // The highest checkpoint up to the anchor already fitted; the chain is refitted from there.
    let k = anchor;
    while (k >= 0 && !this.entries.has(keys[k]!)) k--;
    let theta = k >= 0 ? this.entries.get(keys[k]!)! : undefined;
    for (let level = k + 1; level <= anchor; level++) {
      theta = this.fitLevel(obs, levels[level]!, categorical, theta);
      this.store(keys[level]!, theta);
    }
    if (top > anchor) {
      theta = this.fitLevel(obs, levels[top]!, categorical, theta);
      this.store(keys[top]!, theta);
    }
    return theta!;
  }

  /** The fit on the first m observations (capped), from `previous` and, while cheap, the defaults. */
  private fitLevel(
    obs: readonly Observation[],
    m: number,
    categorical: Uint8Array,
    previous: Float64Array | undefined,
  ): Float64Array {
    const d = categorical.length;
    const subset = capObservations(obs.slice(0, m), this.options.maxFitObservations);
    const { X, y } = trainingData(subset, d, this.options.outputTransform);
    const starts: Float64Array[] = [];
    if (previous) starts.push(previous);
    if (!previous || m <= COLD_START_LIMIT) starts.push(defaultHyperparameters(d));
    return fitHyperparameters(
      { X, y, categorical },
      { starts, maxIterations: previous ? WARM_ITERATIONS : COLD_ITERATIONS },
    ).theta;
  }

  private store(key: string, theta: Float64Array): void {
    this.entries.delete(key);
    this.entries.set(key, theta);
    if (this.entries.size > MAX_ENTRIES) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  /** A key per checkpoint: a hash of the first m observations (numbers, losses, features). */
  private prefixKeys(obs: readonly Observation[], levels: readonly number[]): string[] {
    const f64 = new Float64Array(1);
    const bits = new Uint32Array(f64.buffer);
    const h = new Uint32Array([0x811c9dc5, 0x9e3779b9]);
    const keys: string[] = [];
    let level = 0;
    for (let i = 0; i < obs.length && level < levels.length; i++) {
      const o = obs[i]!;
      mixFloat(h, bits, f64, o.number);
      mixFloat(h, bits, f64, o.loss);
      mixFloat(h, bits, f64, o.completed ? 1 : 0);
      for (const v of o.x) mixFloat(h, bits, f64, v);
      if (i + 1 === levels[level]) {
        keys.push(`${i + 1}:${h[0]!.toString(36)}:${h[1]!.toString(36)}`);
        level++;
      }
    }
    return keys;
  }
}

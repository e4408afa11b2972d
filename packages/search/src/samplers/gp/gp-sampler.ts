/**
 * Bayesian optimization with a Gaussian process (`gp`), in the manner of BoTorch and Optuna's
 * GPSampler: a Matérn-5/2 GP with ARD length scales (plus an additive component, see kernel.ts),
 * fitted by maximum a posteriori, and the next point chosen by maximizing log expected
 * improvement (acquisition.ts, optimize-acquisition.ts).
 *
 * - Startup: until `startupTrials` trials have a usable result (completed or pruned; failures do
 *   not count, as in Optuna), point `trialNumber` of the sweep's scrambled Sobol sequence, so
 *   parallel workers get distinct, space-filling points (uniform draws beyond the Sobol table's
 *   dimension limit). The default max(5, d + 1) is small on purpose: the GP's own exploration is
 *   better spent than a larger design (2d did no better on the benchmark functions).
 * - Inputs: the points' coordinates (see encoding.ts). Outputs: losses, power-warped and
 *   standardized (see output-transform.ts).
 * - Failed trials are ignored. A completed trial with a non-finite loss (a diverged run) counts as
 *   the worst finite loss seen, so the model learns that the region is bad. Pruned trials count
 *   with the losses they reported (multi-fidelity: one GP over configuration and step, see
 *   fidelity.ts; the pruner stopped them for being worse than their peers at that step, which the
 *   model should know), but never as the incumbent.
 * - Pending trials: kriging believer (Ginsbourger et al. 2010). The posterior is conditioned on
 *   the pending points at their predicted means, which collapses the variance, and so the EI,
 *   around them; the believed values may also lower the incumbent. The returned point is never a
 *   pending one while another exists. (Constant liars at the worst or mean loss did far worse on
 *   the benchmark functions with 8 workers, as did leaving the incumbent alone.)
 * - Cost: hyperparameters are refitted at checkpoints (see hyperparameter-cache.ts), a fit uses
 *   at most `maxFitObservations` points and the posterior at most `maxObservations` (the best
 *   half and the most recent), and beyond 200 observations fewer random candidates are scored,
 *   so a suggestion stays bounded however long the sweep; for sweeps of many hundreds of trials
 *   TPE remains the better tool.
 */
import { normalQuantile } from '../../space/normal.js';
import type { Point } from '../../space/search-space.js';
import type { Sampler, SuggestContext } from '../sampler.js';
import { SOBOL_MAX_DIMENSION } from '../sobol/direction-numbers.js';
import { sobolPoints } from '../sobol/sequence.js';
import { logEiAcquisition } from './acquisition.js';
import { NotPositiveDefiniteError } from './cholesky.js';
import { type Encoding, encodingOf } from './encoding.js';
import { atLastStep, fidelityObservations } from './fidelity.js';
import {
  capObservations,
  HyperparameterCache,
  type Observation,
  trainingData,
} from './hyperparameter-cache.js';
import { kernelParams, noiseVariance } from './hyperparameters.js';
import { optimizeAcquisition, type ScoredPoint } from './optimize-acquisition.js';
import type { OutputTransform } from './output-transform.js';
import { GpPosterior } from './regression.js';

/** Re-exported for {@link GpSamplerOptions.outputTransform}. */
export type { OutputTransform } from './output-transform.js';

/** Options of {@link createGpSampler}. */
export interface GpSamplerOptions {
  /**
   * Usable results (completed or pruned trials) to collect from the Sobol design before the GP
   * is used.
   * @defaultValue max(5, d + 1), d the number of dimensions
   */
  readonly startupTrials?: number;
  /** Random candidates scored per suggestion before local refinement. @defaultValue 1024 */
  readonly candidates?: number;
  /** The best candidates refined by local search. @defaultValue 8 */
  readonly restarts?: number;
  /** L-BFGS iterations per continuous refinement phase. @defaultValue 50 */
  readonly maxIterations?: number;
  /** Observations in the posterior at most (the best half, then the most recent). @defaultValue 300 */
  readonly maxObservations?: number;
  /** Observations in a hyperparameter fit at most (chosen likewise). @defaultValue 200 */
  readonly maxFitObservations?: number;
  /** `power`: Yeo-Johnson warp, then standardize; `standardize`: standardize only. @defaultValue 'power' */
  readonly outputTransform?: OutputTransform;
  /**
   * How trials stopped early (pruned, or paused at a rung) count: `fidelity` — every loss of
   * their curves (FinishedTrial.curve, else their last loss) is an observation of a GP over
   * (configuration, step), and suggestions maximize EI at the last step (see fidelity.ts; a
   * history with no stopped trial is modelled as with the other settings); `ranked` — once there are any,
   * every result is replaced by its normal score in the order completed trials by loss, then
   * stopped ones by the step they reached (further first), then by their last loss (Optuna's
   * order for TPE, see tpe/split.ts); `last-loss` — with their last reported loss, whatever the
   * step; `ignore`. @defaultValue 'fidelity'
   */
  readonly prunedTrials?: PrunedTrials;
}

/** The defaults of {@link GpSamplerOptions} (startupTrials: undefined means max(5, d + 1)). */
export const GP_SAMPLER_DEFAULTS = {
  startupTrials: undefined as number | undefined,
  candidates: 1024,
  restarts: 8,
  maxIterations: 50,
  maxObservations: 300,
  maxFitObservations: 200,
  outputTransform: 'power' as OutputTransform,
  prunedTrials: 'fidelity' as PrunedTrials,
};

type PrunedTrials = 'fidelity' | 'ranked' | 'last-loss' | 'ignore';

type ResolvedOptions = typeof GP_SAMPLER_DEFAULTS;

function validate(o: ResolvedOptions): void {
  // A misspelt option must not silently leave the default in place.
  for (const key of Object.keys(o)) {
    if (!(key in GP_SAMPLER_DEFAULTS)) throw new TypeError(`gp sampler: unknown option '${key}'`);
  }
  const positiveInt = (name: string, v: number | undefined, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min)) {
      throw new RangeError(`gp sampler: ${name} must be an integer ≥ ${min}, got ${v}`);
    }
  };
  positiveInt('startupTrials', o.startupTrials, 0);
  positiveInt('candidates', o.candidates, 1);
  positiveInt('restarts', o.restarts, 1);
  positiveInt('maxIterations', o.maxIterations, 1);
  positiveInt('maxObservations', o.maxObservations, 2);
  positiveInt('maxFitObservations', o.maxFitObservations, 2);
  if (o.outputTransform !== 'power' && o.outputTransform !== 'standardize') {
    throw new RangeError(
      `gp sampler: outputTransform must be 'power' or 'standardize', got ${String(o.outputTransform)}`,
    );
  }
  if (!['fidelity', 'ranked', 'last-loss', 'ignore'].includes(o.prunedTrials)) {
    throw new RangeError(
      `gp sampler: prunedTrials must be 'fidelity', 'ranked', 'last-loss' or 'ignore', got ${String(o.prunedTrials)}`,
    );
  }
}

/** Up to this many observations (pending included), all `candidates` are scored. */
const FULL_SEARCH_OBSERVATIONS = 200;
/** The best observations around which local candidates are drawn. */
const INCUMBENTS = 5;
/** Random draws tried when every optimized candidate is already pending. */
const FALLBACK_DRAWS = 100;

/**
 * The GP-BO sampler. Each instance keeps a cache of fitted hyperparameters, which changes only
 * how fast it answers, never what: see hyperparameter-cache.ts.
 * @throws RangeError on an invalid option
 */
export function createGpSampler(options: GpSamplerOptions = {}): Sampler {
  const o: ResolvedOptions = { ...GP_SAMPLER_DEFAULTS, ...stripUndefined(options) };
  validate(o);
  const cache = new HyperparameterCache({
    maxFitObservations: o.maxFitObservations,
    outputTransform: o.outputTransform,
  });
  return {
    name: 'gp',
    readsCurves: o.prunedTrials === 'fidelity',
    suggest(ctx: SuggestContext): Point {
      const d = ctx.space.dimensions.length;
      if (d === 0) return [];
      const encoding = encodingOf(ctx.space);
      const startup = o.startupTrials ?? Math.max(5, d + 1);
      const fidelity =
        o.prunedTrials === 'fidelity' ? fidelityObservations(ctx.history, encoding) : undefined;
      if (fidelity) {
        if (fidelity.trials < Math.max(2, startup)) return designPoint(ctx, encoding);
        return orDesign(ctx, encoding, () =>
          fidelityPoint(ctx, encoding, fidelity.observations, o, cache),
        );
      }
      // With every result final (or stopped trials at step 1 only), the fidelity model is the
      // plain one, and stopped trials are ranked.
      const pruned = o.prunedTrials === 'fidelity' ? 'ranked' : o.prunedTrials;
      const observations = collectObservations(ctx, encoding, pruned);
      const completed = observations.filter((x) => x.completed).length;
      // Ranked by depth, every result is on one scale, and the deepest is the incumbent: the
      // model need not wait for a trial to complete (under promotion that can take most of a sweep).
      const ranked = pruned === 'ranked' && completed < observations.length;
      if (observations.length < Math.max(2, startup) || (completed === 0 && !ranked)) {
        return designPoint(ctx, encoding);
      }
      return orDesign(ctx, encoding, () =>
        modelPoint(ctx, encoding, observations, o, cache, ranked),
      );
    },
  };
}

/** The model's point; the design's when losses are so extreme that no covariance is usable. */
function orDesign(ctx: SuggestContext, encoding: Encoding, model: () => Point): Point {
  try {
    return model();
  } catch (error) {
    // Explore rather than fail the sweep's scheduling.
    if (error instanceof NotPositiveDefiniteError) return designPoint(ctx, encoding);
    throw error;
  }
}

/** The point that maximizes log-EI under the GP fitted to the observations. */
function modelPoint(
  ctx: SuggestContext,
  encoding: Encoding,
  observations: readonly Observation[],
  o: ResolvedOptions,
  cache: HyperparameterCache,
  ranked: boolean,
): Point {
  const d = encoding.d;
  const theta = cache.hyperparameters(observations, encoding.categorical);
  const used = capObservations(observations, o.maxObservations);
  const { X, y } = trainingData(used, d, o.outputTransform);
  const posterior = new GpPosterior(
    kernelParams(theta, encoding.categorical),
    noiseVariance(theta),
    X,
    y,
  );

  let best = Number.POSITIVE_INFINITY;
  const order = used.map((_, i) => i).filter((i) => ranked || used[i]!.completed);
  for (const i of order) best = Math.min(best, y[i]!);
  order.sort((a, b) => y[a]! - y[b]! || a - b);
  const incumbents = order.slice(0, INCUMBENTS).map((i) => used[i]!.x);
  return maximizeEi(ctx, encoding, posterior, best, incumbents, o);
}

/**
 * The point that maximizes log-EI at the last step under the GP over (features, step) fitted to
 * the observations (see fidelity.ts).
 */
function fidelityPoint(
  ctx: SuggestContext,
  encoding: Encoding,
  observations: readonly Observation[],
  o: ResolvedOptions,
  cache: HyperparameterCache,
): Point {
  const d = encoding.d;
  const categorical = new Uint8Array(d + 1);
  categorical.set(encoding.categorical);
  const theta = cache.hyperparameters(observations, categorical);
  const used = capObservations(observations, o.maxObservations);
  const { X, y } = trainingData(used, d + 1, o.outputTransform);
  const posterior = new GpPosterior(kernelParams(theta, categorical), noiseVariance(theta), X, y);

  // The incumbent: the best loss predicted at the last step for a configuration tried so far.
  const predicted: { x: Float64Array; mean: number }[] = [];
  const seen = new Set<number>();
  const lifted = new Float64Array(d + 1);
  for (const obs of used) {
    if (seen.has(obs.number)) continue;
    seen.add(obs.number);
    const x = obs.x.subarray(0, d);
    lifted.set(x);
    lifted[d] = 1;
    predicted.push({ x, mean: posterior.predict(lifted).mean });
  }
  predicted.sort((a, b) => a.mean - b.mean);
  const incumbents = predicted.slice(0, INCUMBENTS).map((p) => p.x);
  return maximizeEi(ctx, encoding, posterior, predicted[0]!.mean, incumbents, o);
}

/**
 * The point that maximizes log-EI against `best` under the posterior, the pending points believed
 * at their predicted means. A posterior with one input more than the encoding is over (features,
 * z): the pending points and the candidates are then taken at the last step, z = 1.
 */
function maximizeEi(
  ctx: SuggestContext,
  encoding: Encoding,
  fitted: GpPosterior,
  best: number,
  incumbents: readonly Float64Array[],
  o: ResolvedOptions,
): Point {
  const d = encoding.d;
  const width = fitted.d;
  let posterior = fitted;
  if (ctx.pending.length > 0) {
    const P = new Float64Array(ctx.pending.length * width);
    ctx.pending.forEach((p, i) => {
      P.set(encoding.snap(Float64Array.from(p)), i * width);
      if (width > d) P[i * width + d] = 1;
    });
    posterior = fitted.withBelievedPoints(P);
    // The believer treats pending outcomes as seen, so they can be the incumbent too.
    for (let i = fitted.n; i < posterior.n; i++) best = Math.min(best, posterior.y[i]!);
  }

  // Scoring a candidate costs O(n²): beyond FULL_SEARCH_OBSERVATIONS the candidate count
  // shrinks as 1/n, so that this part grows linearly rather than quadratically.
  const scale = Math.min(1, FULL_SEARCH_OBSERVATIONS / posterior.n);
  const ei = logEiAcquisition(posterior, best);
  const acquisition = width > d ? atLastStep(ei, d) : ei;
  const found = optimizeAcquisition({ acquisition, encoding, incumbents }, ctx.rng, {
    candidates: Math.max(1, Math.round(o.candidates * scale)),
    restarts: o.restarts,
    maxIterations: o.maxIterations,
  });
  return choose(ctx, encoding, found);
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function collectObservations(
  ctx: SuggestContext,
  encoding: Encoding,
  pruned: Exclude<PrunedTrials, 'fidelity'>,
): Observation[] {
  let worst = Number.NEGATIVE_INFINITY;
  for (const t of ctx.history) {
    if (t.state !== 'failed' && t.loss !== undefined && Number.isFinite(t.loss)) {
      worst = Math.max(worst, t.loss);
    }
  }
  const out: Observation[] = [];
  for (const t of ctx.history) {
    if (t.state === 'failed' || (t.state === 'pruned' && pruned === 'ignore')) continue;
    let loss = t.loss;
    if (loss === undefined || Number.isNaN(loss) || loss === Number.POSITIVE_INFINITY) {
      // Undefined or non-finite: a diverged run. Worse than anything seen, as far as we can tell.
      if (t.state !== 'completed' || worst === Number.NEGATIVE_INFINITY) continue;
      loss = worst;
    }
    if (loss === Number.NEGATIVE_INFINITY) continue;
    const x = encoding.snap(Float64Array.from(t.point));
    out.push({ number: t.number, x, loss, completed: t.state === 'completed' });
  }
  return pruned === 'ranked' ? rankByDepth(out, ctx) : out;
}

/**
 * Multi-fidelity by order: a loss at step 2 and a final loss are not on one scale, but a trial
 * that was allowed further did better than one stopped earlier. With stopped trials present, each
 * observation's loss becomes its normal score Φ⁻¹((rank + ½) / n) in the order completed by
 * loss, then stopped by step reached (further first) and last loss. Without them, losses stay.
 */
function rankByDepth(observations: Observation[], ctx: SuggestContext): Observation[] {
  if (observations.every((o) => o.completed)) return observations;
  const stepOf = new Map<number, number>();
  for (const t of ctx.history) if (t.step !== undefined) stepOf.set(t.number, t.step);
  const depth = (o: Observation) =>
    o.completed ? Number.POSITIVE_INFINITY : (stepOf.get(o.number) ?? Number.NEGATIVE_INFINITY);
  const order = [...observations].sort(
    (a, b) => depth(b) - depth(a) || a.loss - b.loss || a.number - b.number,
  );
  const n = order.length;
  const score = new Map(order.map((o, r) => [o, normalQuantile((r + 0.5) / n)]));
  return observations.map((o) => ({ ...o, loss: score.get(o)! }));
}

/** Point `trialNumber` of the sweep's Sobol design; a random draw if it is pending or beyond the table. */
function designPoint(ctx: SuggestContext, encoding: Encoding): Point {
  const d = encoding.d;
  let u: Float64Array;
  if (d <= SOBOL_MAX_DIMENSION) {
    const s = sobolPoints(d, 1, ctx.seed, ctx.trialNumber)[0]!;
    u = Float64Array.from(s, (v, i) => {
      const choices = encoding.choices[i];
      return encoding.categorical[i]
        ? Math.min(choices!.length - 1, Math.floor(v * choices!.length))
        : v;
    });
    encoding.snap(u);
  } else {
    u = encoding.random(ctx.rng, new Float64Array(d));
  }
  const taken = takenKeys(ctx);
  for (let i = 0; i < FALLBACK_DRAWS && taken.has(ctx.space.key(Array.from(u))); i++) {
    encoding.random(ctx.rng, u);
  }
  return Array.from(u);
}

function takenKeys(ctx: SuggestContext): Set<string> {
  return new Set([...ctx.pending, ...ctx.history.map((t) => t.point)].map((p) => ctx.space.key(p)));
}

/**
 * The best point that is neither pending nor already tried; else the best that is not pending
 * (re-running a point is allowed when the space has nothing new); else a random point that is
 * not pending; else the best.
 */
function choose(ctx: SuggestContext, encoding: Encoding, found: readonly ScoredPoint[]): Point {
  const pending = new Set(ctx.pending.map((p) => ctx.space.key(p)));
  const tried = new Set(ctx.history.map((t) => ctx.space.key(t.point)));
  const points = found.map((f) => Array.from(f.x));
  const keys = points.map((p) => ctx.space.key(p));
  let pick = keys.findIndex((k) => !pending.has(k) && !tried.has(k));
  if (pick < 0) pick = keys.findIndex((k) => !pending.has(k));
  if (pick >= 0) return points[pick]!;
  const x = new Float64Array(encoding.d);
  for (let i = 0; i < FALLBACK_DRAWS; i++) {
    const p = Array.from(encoding.random(ctx.rng, x));
    if (!pending.has(ctx.space.key(p))) return p;
  }
  return points[0] ?? Array.from(encoding.random(ctx.rng, x));
}

/**
 * Multi-fidelity GP-BO: one GP over (configuration, step), in the manner of FABOLAS and BOCA.
 *
 * Under early stopping most trials end at a rung: their losses there are not on the scale of a
 * final loss, but they say a lot about it, and curves of one family share their shape. So each
 * loss a trial reported (its thinned curve, see curve-sketch.ts) is an observation at the point's
 * features plus one more, the fidelity z = ln(step) / ln(last step) ∈ [0, 1]: the kernel learns
 * how far losses at one step predict those at another (the ARD length scale of z) and the shape
 * of the curves (its additive part). Suggestions maximize EI at z = 1, against the best loss the
 * model predicts there for a configuration tried so far.
 *
 * Measured on the learning-curve benchmark (docs/BENCHMARKS.md, "Early stopping"): this is what
 * lets GP-BO under ASHA promotion keep what the model buys, where ranking stopped trials by the
 * step they reached did not.
 */
import type { FinishedTrial } from '../sampler.js';
import type { Acquisition } from './acquisition.js';
import type { Encoding } from './encoding.js';
import type { Observation } from './hyperparameter-cache.js';

/**
 * The losses of a curve the model sees: its last three (where the trial stopped, and the steps
 * just before: its level and slope there). Earlier ones, at losses far above any final one, cost
 * the model its resolution where the suggestions are made. Measured on lc-mlp (docs/BENCHMARKS.md,
 * ASHA min_steps 2, eta 3, 40 seeds): median best final 0.1289 with the last 3, 0.1320 with the
 * last 2; with every point 0.1336 (20 seeds); the last one alone did worst under every rule tried.
 */
const POINTS_PER_TRIAL = 3;

/** Observations over (features, z), and how many trials they come from. */
export interface FidelityData {
  readonly observations: Observation[];
  /** Distinct trials among the observations. */
  readonly trials: number;
}

/**
 * The history as observations over (features, z), trial-number then step order; undefined when
 * every result is a final one (no trial stopped early), where the plain GP is the same model.
 * A completed trial's final loss is at z = 1 and is the only observation that can be the
 * incumbent; a completed trial whose loss is not finite counts as the worst final loss seen.
 */
export function fidelityObservations(
  history: readonly FinishedTrial[],
  encoding: Encoding,
): FidelityData | undefined {
  let top = 1;
  let stopped = false;
  let worst = Number.NEGATIVE_INFINITY;
  for (const t of history) {
    if (t.state === 'failed') continue;
    if (t.state === 'pruned') stopped = true;
    for (const p of t.curve ?? []) top = Math.max(top, p.step);
    if (t.step !== undefined) top = Math.max(top, t.step);
    if (t.state === 'completed' && t.loss !== undefined && Number.isFinite(t.loss)) {
      worst = Math.max(worst, t.loss);
    }
  }
  if (!stopped || top <= 1) return undefined;
  const z = (step: number) => (step >= top ? 1 : Math.log(Math.max(step, 1)) / Math.log(top));

  const d = encoding.d;
  const observations: Observation[] = [];
  let trials = 0;
  for (const t of history) {
    if (t.state === 'failed') continue;
    const x = encoding.snap(Float64Array.from(t.point));
    const at = (step: number, loss: number, completed: boolean) => {
      const xz = new Float64Array(d + 1);
      xz.set(x);
      xz[d] = completed ? 1 : z(step);
      observations.push({ number: t.number, x: xz, loss, completed });
    };
    const before = observations.length;
    const curve = (t.curve ?? []).slice(-POINTS_PER_TRIAL);
    if (t.state === 'completed') {
      // The final loss stands for the curve's last point (the same report).
      for (const p of curve.slice(0, -1)) at(p.step, p.loss, false);
      let loss = t.loss;
      if (loss === undefined || Number.isNaN(loss) || loss === Number.POSITIVE_INFINITY) {
        loss = worst === Number.NEGATIVE_INFINITY ? undefined : worst;
      }
      if (loss !== undefined && loss !== Number.NEGATIVE_INFINITY) at(top, loss, true);
    } else if (curve.length > 0) {
      for (const p of curve) at(p.step, p.loss, false);
    } else if (t.loss !== undefined && Number.isFinite(t.loss) && t.step !== undefined) {
      at(t.step, t.loss, false);
    }
    if (observations.length > before) trials++;
  }
  return { observations, trials };
}

/** The acquisition at the last step (z = 1) of a posterior over (features, z), as one over features. */
export function atLastStep(acquisition: Acquisition, d: number): Acquisition {
  const xz = new Float64Array(d + 1);
  const grad = new Float64Array(d + 1);
  const lift = (x: Float64Array) => {
    xz.set(x);
    xz[d] = 1;
    return xz;
  };
  return {
    value: (x) => acquisition.value(lift(x)),
    valueAndGradient(x, out) {
      grad.fill(0);
      const value = acquisition.valueAndGradient(lift(x), grad);
      for (let i = 0; i < d; i++) out[i] = grad[i]!;
      return value;
    },
  };
}

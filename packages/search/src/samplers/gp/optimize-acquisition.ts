/**
 * Maximizes log-EI over the search space: score many random candidates (and perturbations of the
 * best points seen, where the acquisition's peaks usually are), then refine the best few with
 * alternating moves until none helps: L-BFGS on the continuous features, snapping of quantized
 * ones, and exhaustive one-feature-at-a-time search over categorical values and grid cells.
 * Every value compared is the acquisition at the snapped point, the one that would be suggested.
 * Small fully discrete spaces are enumerated instead.
 */
import type { Rng } from '../../random/rng.js';
import type { Acquisition } from './acquisition.js';
import { type Encoding, MAX_ENUMERATED_CATEGORIES, nearestCell } from './encoding.js';
import { minimizeInBox } from './lbfgs.js';

/** Perturbations drawn around each incumbent (at most half as many as random candidates). */
const LOCAL_PER_INCUMBENT = 64;
/** Fully discrete spaces with at most this many points are scored exhaustively. */
export const MAX_ENUMERATED_SPACE = 2048;

/** What is maximized, and over what. */
export interface AcquisitionProblem {
  readonly acquisition: Acquisition;
  readonly encoding: Encoding;
  /** The best observed points (features), most promising first: centres for local candidates. */
  readonly incumbents: readonly Float64Array[];
}

/** How much search the optimizer spends. */
export interface AcquisitionSearch {
  /** Random candidates scored before refinement. */
  readonly candidates: number;
  /** Candidates refined by local search. */
  readonly restarts: number;
  /** L-BFGS iterations per continuous phase. */
  readonly maxIterations: number;
}

/** A point (features) and its acquisition value. */
export interface ScoredPoint {
  readonly x: Float64Array;
  readonly value: number;
}

/** Scored points found, best first, distinct; the caller takes the first it can use. */
export function optimizeAcquisition(
  problem: AcquisitionProblem,
  rng: Rng,
  search: AcquisitionSearch,
): ScoredPoint[] {
  const { encoding } = problem;
  const score = (x: Float64Array) => problem.acquisition.value(x);
  if (encoding.cardinality <= MAX_ENUMERATED_SPACE) return enumerateAll(encoding, score);

  const pool: ScoredPoint[] = [];
  for (let i = 0; i < search.candidates; i++) {
    const x = encoding.random(rng, new Float64Array(encoding.d));
    pool.push({ x, value: score(x) });
  }
  const local = Math.min(
    problem.incumbents.length * LOCAL_PER_INCUMBENT,
    Math.ceil(search.candidates / 2),
  );
  for (let i = 0; i < local; i++) {
    const x = perturb(problem.incumbents[i % problem.incumbents.length]!, encoding, rng);
    pool.push({ x, value: score(x) });
  }
  pool.sort((a, b) => b.value - a.value);

  const seen = new Set<string>();
  const refined: ScoredPoint[] = [];
  for (const start of pool) {
    if (refined.length >= search.restarts) break;
    const key = start.x.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    refined.push(refine(problem, start, score, rng, search.maxIterations));
  }
  return distinctBest([...refined, ...pool.slice(0, 4 * search.restarts)]);
}

function enumerateAll(encoding: Encoding, score: (x: Float64Array) => number): ScoredPoint[] {
  const out: ScoredPoint[] = [];
  const index = new Array<number>(encoding.d).fill(0);
  for (;;) {
    const x = Float64Array.from(index, (k, i) => encoding.choices[i]![k]!);
    out.push({ x, value: score(x) });
    let i = 0;
    while (i < encoding.d && ++index[i]! === encoding.choices[i]!.length) index[i++] = 0;
    if (i === encoding.d) break;
  }
  return out.sort((a, b) => b.value - a.value);
}

/**
 * A point near x: continuous features move by a Gaussian step whose scale is drawn from 0.5% to
 * 20% of the range (the basin's size is unknown), enumerated ones change with probability 1/d.
 */
function perturb(center: Float64Array, encoding: Encoding, rng: Rng): Float64Array {
  const x = Float64Array.from(center);
  const scale = 0.005 * 40 ** rng.next();
  const p = 1 / encoding.d;
  for (let i = 0; i < encoding.d; i++) {
    const choices = encoding.choices[i];
    if (choices) {
      if (rng.next() < p) x[i] = choices[rng.int(choices.length)]!;
    } else {
      x[i] = reflect(x[i]! + scale * rng.normal());
    }
  }
  return encoding.snap(x);
}

/** Folds u back into [0, 1] (a clamp would pile candidates up on the bounds). */
function reflect(u: number): number {
  let v = Math.abs(u) % 2;
  if (v > 1) v = 2 - v;
  return v;
}

/** Discrete sweeps that found something better, each followed by a new continuous phase. */
const MAX_DISCRETE_ROUNDS = 3;

/**
 * A continuous phase, then alternating discrete sweeps and continuous phases while the sweep
 * still finds something better (a continuous phase from a point it just converged to would only
 * repeat itself).
 */
function refine(
  problem: AcquisitionProblem,
  start: ScoredPoint,
  score: (x: Float64Array) => number,
  rng: Rng,
  maxIterations: number,
): ScoredPoint {
  const { encoding } = problem;
  let x: Float64Array = Float64Array.from(start.x);
  let value = start.value;
  const continuousPhase = () => {
    const c = continuousStep(problem, x, maxIterations);
    if (!c) return;
    encoding.snap(c);
    const v = score(c);
    if (v > value) {
      x = c;
      value = v;
    }
  };
  continuousPhase();
  for (let round = 0; round < MAX_DISCRETE_ROUNDS; round++) {
    const dv = discreteSweep(encoding, x, value, score, rng);
    if (!(dv > value)) break;
    value = dv;
    continuousPhase();
  }
  return { x, value };
}

/** L-BFGS on the continuous features with the others fixed; undefined if there are none. */
function continuousStep(
  problem: AcquisitionProblem,
  x: Float64Array,
  maxIterations: number,
): Float64Array | undefined {
  const { encoding, acquisition } = problem;
  const free: number[] = [];
  for (let i = 0; i < encoding.d; i++) if (encoding.continuous[i]) free.push(i);
  if (free.length === 0) return undefined;
  const full = Float64Array.from(x);
  const grad = new Float64Array(encoding.d);
  const m = free.length;
  const result = minimizeInBox(
    (z, g) => {
      for (let k = 0; k < m; k++) full[free[k]!] = z[k]!;
      const value = acquisition.valueAndGradient(full, grad);
      for (let k = 0; k < m; k++) g[k] = -grad[free[k]!]!;
      return -value;
    },
    Float64Array.from(free, (i) => x[i]!),
    {
      lower: new Float64Array(m),
      upper: new Float64Array(m).fill(1),
      maxIterations,
      gradientTolerance: 1e-6,
      relativeTolerance: 1e-9,
    },
  );
  const out = Float64Array.from(x);
  for (let k = 0; k < m; k++) out[free[k]!] = result.x[k]!;
  return out;
}

/**
 * One pass over the discrete features, each set to its best value with the rest fixed
 * (categoricals and small grids: every value; relaxed grids: the neighbouring cells). Updates x
 * in place and returns the new value.
 */
function discreteSweep(
  encoding: Encoding,
  x: Float64Array,
  value: number,
  score: (x: Float64Array) => number,
  rng: Rng,
): number {
  for (let i = 0; i < encoding.d; i++) {
    const choices = encoding.choices[i];
    const cells = encoding.grid[i];
    let options: ArrayLike<number>;
    if (choices) {
      options =
        choices.length <= MAX_ENUMERATED_CATEGORIES
          ? choices
          : Float64Array.from(
              { length: MAX_ENUMERATED_CATEGORIES },
              () => choices[rng.int(choices.length)]!,
            );
    } else if (cells) {
      const k = nearestCell(cells, x[i]!);
      options = [cells[Math.max(0, k - 1)]!, cells[Math.min(cells.length - 1, k + 1)]!];
    } else {
      continue;
    }
    const current = x[i]!;
    let bestOption = current;
    for (let k = 0; k < options.length; k++) {
      const o = options[k]!;
      if (o === current) continue;
      x[i] = o;
      const v = score(x);
      if (v > value) {
        value = v;
        bestOption = o;
      }
    }
    x[i] = bestOption;
  }
  return value;
}

/** Best first, one entry per distinct point. */
function distinctBest(points: ScoredPoint[]): ScoredPoint[] {
  const seen = new Set<string>();
  return points
    .sort((a, b) => b.value - a.value)
    .filter((p) => {
      const key = p.x.join(',');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

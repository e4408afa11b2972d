/**
 * One searchable parameter, seen by samplers through a single coordinate:
 *
 * - numeric dimensions map their prior onto the unit interval (u = prior CDF of the value), so a
 *   sampler that draws u uniformly samples the user's distribution exactly, and model-based
 *   samplers (TPE, GP) work in a space where log parameters are already in log scale;
 * - categorical dimensions use the index of the value in `values`.
 */
import { normalCdf, normalQuantile } from './normal.js';
import type {
  BoundedSpec,
  CategoricalSpec,
  IntUniformSpec,
  NormalSpec,
  ParamValue,
} from './parameter-spec.js';

/** Grids larger than this are refused: enumerating them would not be a search. */
export const MAX_GRID_VALUES = 100_000;

export interface NumericDimension {
  readonly kind: 'numeric';
  /** Dotted path of the parameter (`optimizer.lr` for nested parameters). */
  readonly name: string;
  readonly spec: IntUniformSpec | BoundedSpec | NormalSpec;
  /** True when every value is an integer (int_uniform, or a q_* with integer q and bounds). */
  readonly integer: boolean;
  /** True when the prior is log-scaled (u is linear in ln value). */
  readonly log: boolean;
  /** The distinct values in order, when finite (int_uniform, bounded q_*); else undefined. */
  readonly gridValues: readonly number[] | undefined;
  /** Unit coordinate in [0, 1] → value (quantized and kept inside the bounds). */
  decode(u: number): number;
  /** Value → unit coordinate in [0, 1] (the centre of its cell for discrete dimensions). */
  encode(value: number): number;
}

export interface CategoricalDimension {
  readonly kind: 'categorical';
  readonly name: string;
  readonly values: readonly ParamValue[];
  /** The values' probabilities, when the spec gives them (else all equal). */
  readonly probabilities?: readonly number[];
}

export type Dimension = NumericDimension | CategoricalDimension;

const clamp01 = (u: number) => (u < 0 ? 0 : Math.min(u, 1));

/** Rounds to a multiple of q without binary noise (0.1 * 3 → 0.3, not 0.30000000000000004). */
function roundTo(v: number, q: number): number {
  return Number((Math.round(v / q) * q).toPrecision(12));
}

export function categoricalDimension(name: string, spec: CategoricalSpec): CategoricalDimension {
  return spec.probabilities
    ? { kind: 'categorical', name, values: spec.values, probabilities: spec.probabilities }
    : { kind: 'categorical', name, values: spec.values };
}

/**
 * The index a uniform draw u ∈ [0, 1) picks among a categorical's values: by its probabilities
 * (their cumulative sums), else with equal chances.
 */
export function categoricalIndex(dim: CategoricalDimension, u: number): number {
  const n = dim.values.length;
  if (!dim.probabilities) return Math.min(n - 1, Math.floor(u * n));
  let cumulative = 0;
  for (let i = 0; i < n; i++) {
    cumulative += dim.probabilities[i]!;
    if (u < cumulative) return i;
  }
  // Rounding may leave the sum a hair under 1: the last value with any weight takes the rest.
  for (let i = n - 1; i > 0; i--) if (dim.probabilities[i]! > 0) return i;
  return 0;
}

export function intDimension(name: string, spec: IntUniformSpec): NumericDimension {
  const { min, max } = spec;
  const n = max - min + 1;
  return {
    kind: 'numeric',
    name,
    spec,
    integer: true,
    log: false,
    gridValues: n <= MAX_GRID_VALUES ? Array.from({ length: n }, (_, i) => min + i) : undefined,
    decode: (u) => min + Math.min(n - 1, Math.floor(clamp01(u) * n)),
    encode: (v) => clamp01((Math.round(v) - min + 0.5) / n),
  };
}

/** Prior of a real-valued dimension as (CDF, inverse CDF) over the raw value. */
interface Prior {
  log: boolean;
  cdf(v: number): number;
  quantile(u: number): number;
}

function priorOf(spec: BoundedSpec | NormalSpec): Prior {
  switch (spec.distribution) {
    case 'uniform':
    case 'q_uniform':
      return linearPrior(spec.min, spec.max);
    case 'log_uniform':
    case 'q_log_uniform':
      return logPrior(spec.min, spec.max);
    case 'log_uniform_values':
    case 'q_log_uniform_values':
    case 'inv_log_uniform_values':
      return logPrior(Math.log(spec.min), Math.log(spec.max));
    case 'inv_log_uniform':
      // X = e^-U(min, max): ln X runs over [-max, -min].
      return logPrior(-spec.max, -spec.min);
    case 'normal':
    case 'q_normal':
      return {
        log: false,
        cdf: (v) => normalCdf((v - spec.mu) / spec.sigma),
        quantile: (u) => spec.mu + spec.sigma * normalQuantile(u),
      };
    case 'log_normal':
    case 'q_log_normal':
      return {
        log: true,
        cdf: (v) => (v <= 0 ? 0 : normalCdf((Math.log(v) - spec.mu) / spec.sigma)),
        quantile: (u) => Math.exp(spec.mu + spec.sigma * normalQuantile(u)),
      };
  }
}

// A range of zero width (min = max) is a constant: its one value sits mid-way, not at 0/0 = NaN.
function linearPrior(lo: number, hi: number): Prior {
  return {
    log: false,
    cdf: (v) => (hi === lo ? 0.5 : (v - lo) / (hi - lo)),
    quantile: (u) => lo + u * (hi - lo),
  };
}

/** Log-uniform over [e^lnLo, e^lnHi]. */
function logPrior(lnLo: number, lnHi: number): Prior {
  return {
    log: true,
    cdf: (v) => (v <= 0 ? 0 : lnHi === lnLo ? 0.5 : (Math.log(v) - lnLo) / (lnHi - lnLo)),
    quantile: (u) => Math.exp(lnLo + u * (lnHi - lnLo)),
  };
}

/** Value bounds of a bounded distribution (undefined for normal priors). */
function valueBounds(spec: BoundedSpec | NormalSpec): [number, number] | undefined {
  if (!('min' in spec)) return undefined;
  switch (spec.distribution) {
    case 'log_uniform':
    case 'q_log_uniform':
      return [Math.exp(spec.min), Math.exp(spec.max)];
    case 'inv_log_uniform':
      return [Math.exp(-spec.max), Math.exp(-spec.min)];
    default:
      return [spec.min, spec.max];
  }
}

// Keep u strictly inside (0, 1) for unbounded priors, whose quantile is infinite at the ends.
const U_EPS = 1e-9;

export function realDimension(name: string, spec: BoundedSpec | NormalSpec): NumericDimension {
  const prior = priorOf(spec);
  const bounds = valueBounds(spec);
  const q = spec.distribution.startsWith('q_') ? (spec.q ?? 1) : undefined;

  // Quantized values that stay inside the bounds: the first and last multiples of q within them.
  const qLo =
    q !== undefined && bounds ? roundTo(Math.ceil(bounds[0] / q - 1e-9) * q, q) : undefined;
  const qHi =
    q !== undefined && bounds ? roundTo(Math.floor(bounds[1] / q + 1e-9) * q, q) : undefined;
  let gridValues: number[] | undefined;
  if (q !== undefined && qLo !== undefined && qHi !== undefined) {
    const count = Math.round((qHi - qLo) / q) + 1;
    if (count >= 1 && count <= MAX_GRID_VALUES) {
      gridValues = Array.from({ length: count }, (_, i) => roundTo(qLo + i * q, q));
    }
  }
  const integer =
    q !== undefined && Number.isInteger(q) && (bounds === undefined || Number.isInteger(qLo));

  const decode = (u: number): number => {
    const raw = prior.quantile(bounds ? clamp01(u) : Math.min(1 - U_EPS, Math.max(U_EPS, u)));
    if (q === undefined) return bounds ? Math.min(bounds[1], Math.max(bounds[0], raw)) : raw;
    let v = roundTo(raw, q);
    if (qLo !== undefined && v < qLo) v = qLo;
    if (qHi !== undefined && v > qHi) v = qHi;
    return v;
  };
  const encode = (v: number): number => {
    if (gridValues && gridValues.length > 1) {
      // Centre of the cell of values that round to v, so encode(decode(u)) lands in u's cell.
      const lo = Math.max(v - q! / 2, bounds![0]);
      const hi = Math.min(v + q! / 2, bounds![1]);
      return clamp01((clamp01(prior.cdf(lo)) + clamp01(prior.cdf(hi))) / 2);
    }
    return bounds ? clamp01(prior.cdf(v)) : Math.min(1 - U_EPS, Math.max(U_EPS, prior.cdf(v)));
  };
  return { kind: 'numeric', name, spec, integer, log: prior.log, gridValues, decode, encode };
}

/**
 * TPE's Parzen estimator: weights, bandwidths, normalization of the log-density, discrete cells,
 * the categorical kernel, sampling against the density, and the fast sorted evaluation.
 */
import { describe, expect, it } from 'vitest';
import { buildSpace, createRng } from '../src/index.js';
import { discretizerFor } from '../src/samplers/tpe/discrete-cells.js';
import { type ModelDimension, modelSpaceOf } from '../src/samplers/tpe/model-space.js';
import { defaultGamma, defaultWeights } from '../src/samplers/tpe/options.js';
import {
  buildParzenEstimator,
  dimensionLogPdf,
  drawFromKernel,
  drawKernel,
  jointLogPdf,
  type ParzenParameters,
} from '../src/samplers/tpe/parzen-estimator.js';
import { sortedLogSumExp, sortKernels } from '../src/samplers/tpe/sorted-kernels.js';

const DENSITY: ParzenParameters = {
  priorWeight: 1,
  considerEndpoints: false,
  multivariate: false,
  bandwidthWeightedScores: false,
};
const CONTINUOUS: ModelDimension = { kind: 'continuous' };
const scratch = new Float64Array(4096);

function points1d(values: readonly number[]): Float64Array[] {
  return values.map((v) => Float64Array.of(v));
}

/** ∫₀¹ exp(f) by the midpoint rule. */
function integrate(f: (x: number) => number, steps = 20_000): number {
  let sum = 0;
  for (let i = 0; i < steps; i++) sum += Math.exp(f((i + 0.5) / steps));
  return sum / steps;
}

describe('Optuna defaults: gamma and weights', () => {
  it('gamma is min(ceil(0.1 n), 25)', () => {
    expect([0, 1, 10, 11, 99, 100, 249, 250, 251, 1000].map(defaultGamma)).toEqual([
      0, 1, 1, 2, 10, 10, 25, 25, 25, 25,
    ]);
  });

  it('weights are flat up to 25 observations, then ramp from 1/n for the oldest', () => {
    expect([...defaultWeights(3)]).toEqual([1, 1, 1]);
    expect([...defaultWeights(25)]).toEqual(new Array(25).fill(1));
    // n = 30: linspace(1/30, 1, 5) for the five oldest, then 25 ones.
    const w = defaultWeights(30);
    expect(w).toHaveLength(30);
    [1 / 30, 0.275, 0.5166666666666667, 0.7583333333333333, 1].forEach((v, i) => {
      expect(w[i]).toBeCloseTo(v, 12);
    });
    expect([...w.slice(5)]).toEqual(new Array(25).fill(1));
    // A ramp of one element is its start, as numpy.linspace(1/26, 1, 1).
    expect(defaultWeights(26)[0]).toBeCloseTo(1 / 26, 15);
  });
});

describe('Parzen estimator: numeric kernels', () => {
  it('sizes bandwidths by the farther neighbour, prior included, as Optuna 3.1', () => {
    // Centres 0.1, 0.2, 0.7 and the prior's 0.5; sorted: 0.1 0.2 0.5 0.7.
    const est = buildParzenEstimator(
      { dims: [CONTINUOUS], points: points1d([0.7, 0.1, 0.2]) },
      DENSITY,
    );
    const dim = est.dims[0]!;
    if (dim.kind !== 'numeric') throw new Error('numeric expected');
    // Without endpoints the outermost centres look inwards only: 0.1 → 0.1, 0.7 → 0.2; 0.2 →
    // max(0.1, 0.3) = 0.3. Magic clip: at least 1 / min(100, 4 + 1) = 0.2. Prior: 1.
    expect([...dim.mu]).toEqual([0.7, 0.1, 0.2, 0.5]);
    expect(dim.sigma[0]).toBeCloseTo(0.2, 12);
    expect(dim.sigma[1]).toBeCloseTo(0.2, 12); // 0.1 clipped up to 0.2
    expect(dim.sigma[2]).toBeCloseTo(0.3, 12);
    expect(dim.sigma[3]).toBe(1);

    const withEnds = buildParzenEstimator(
      { dims: [CONTINUOUS], points: points1d([0.02, 0.98, 0.5, 0.51, 0.52, 0.53, 0.54]) },
      { ...DENSITY, considerEndpoints: true },
    ).dims[0]!;
    if (withEnds.kind !== 'numeric') throw new Error('numeric expected');
    // With the bounds as neighbours the farther side still wins here: 0.02 → 0.48 (to 0.5),
    // 0.98 → 0.44 (to 0.54). Packed centres fall to the clip, 1 / min(100, 8 + 1).
    expect(withEnds.sigma[0]).toBeCloseTo(0.48, 12);
    expect(withEnds.sigma[1]).toBeCloseTo(0.44, 12);
    expect(withEnds.sigma[3]).toBeCloseTo(1 / 9, 12);
    const endsIgnored = buildParzenEstimator(
      { dims: [CONTINUOUS], points: points1d([0.02, 0.98, 0.5, 0.51, 0.52, 0.53, 0.54]) },
      DENSITY,
    ).dims[0]!;
    if (endsIgnored.kind !== 'numeric') throw new Error('numeric expected');
    expect(endsIgnored.sigma[0]).toBeCloseTo(0.48, 12);
    expect(endsIgnored.sigma[1]).toBeCloseTo(0.44, 12);
  });

  it('weights observations by age and the prior by priorWeight', () => {
    const values = Array.from({ length: 30 }, (_, i) => (i + 0.5) / 30);
    const est = buildParzenEstimator(
      { dims: [CONTINUOUS], points: points1d(values) },
      { ...DENSITY, priorWeight: 2 },
    );
    const raw = [...defaultWeights(30), 2];
    const total = raw.reduce((a, b) => a + b, 0);
    raw.forEach((w, k) => {
      expect(Math.exp(est.logWeights[k]!)).toBeCloseTo(w / total, 12);
    });
    expect(est.cumWeights[30]).toBe(1);
  });

  it('has a log-density that integrates to 1 over [0, 1]', () => {
    const rng = createRng(3, 0);
    for (const n of [0, 1, 5, 40]) {
      const values = Array.from({ length: n }, () => rng.next() ** 2);
      const est = buildParzenEstimator({ dims: [CONTINUOUS], points: points1d(values) }, DENSITY);
      expect(integrate((x) => dimensionLogPdf(est, 0, x, scratch))).toBeCloseTo(1, 6);
    }
  });

  it("scores kernels by bandwidth as well under Optuna 3.1's scoring", () => {
    // Optuna 3.1 leaves -ln σ out of each kernel: its score is the density of the mixture whose
    // weights are w_k σ_k, times Σ w_k σ_k.
    const values = [0.1, 0.12, 0.5, 0.9];
    const est = buildParzenEstimator({ dims: [CONTINUOUS], points: points1d(values) }, DENSITY);
    const scored = buildParzenEstimator(
      { dims: [CONTINUOUS], points: points1d(values) },
      { ...DENSITY, bandwidthWeightedScores: true },
    );
    const dim = est.dims[0]!;
    if (dim.kind !== 'numeric') throw new Error('numeric expected');
    for (const x of [0.05, 0.11, 0.4, 0.95]) {
      let expected = 0;
      for (let k = 0; k < 5; k++) {
        const z = (x - dim.mu[k]!) / dim.sigma[k]!;
        expected += Math.exp(est.logWeights[k]! + dim.logNorm[k]! - 0.5 * z * z) * dim.sigma[k]!;
      }
      expect(dimensionLogPdf(scored, 0, x, scratch)).toBeCloseTo(Math.log(expected), 10);
    }
  });

  it('draws candidates distributed as its density', () => {
    const est = buildParzenEstimator(
      { dims: [CONTINUOUS], points: points1d([0.05, 0.3, 0.32, 0.8]) },
      DENSITY,
    );
    const rng = createRng(9, 1);
    const bins = new Array(10).fill(0);
    const draws = 50_000;
    for (let i = 0; i < draws; i++) {
      const x = drawFromKernel(est, 0, drawKernel(est, rng), rng);
      expect(x >= 0 && x <= 1).toBe(true);
      bins[Math.min(9, Math.floor(x * 10))]++;
    }
    bins.forEach((count, b) => {
      const mass = integrate((x) => dimensionLogPdf(est, 0, (b + x) / 10, scratch), 2000) / 10;
      expect(count / draws).toBeCloseTo(mass, 2);
    });
  });

  it('scores discrete values by their cell mass, which sums to 1 over the cells', () => {
    const space = buildSpace({
      n: { distribution: 'int_uniform', min: 1, max: 7 },
      q: { distribution: 'q_log_uniform_values', min: 1, max: 1000, q: 5 },
    });
    const model = modelSpaceOf(space);
    const rng = createRng(5, 2);
    const points = Array.from({ length: 12 }, () => model.coordsOf([rng.next(), rng.next()])!);
    const est = buildParzenEstimator({ dims: model.dims, points }, DENSITY);
    space.dimensions.forEach((dim, j) => {
      if (dim.kind !== 'numeric' || !dim.gridValues) throw new Error('grid expected');
      let total = 0;
      for (const v of dim.gridValues)
        total += Math.exp(dimensionLogPdf(est, j, dim.encode(v), scratch));
      // Up to the normal CDF's ~1e-7 accuracy (and Optuna's 1e-12 floor on each mass).
      expect(total).toBeCloseTo(1, 6);
    });
    // Discrete draws land on cell centres, i.e. on the values' own encodings.
    const dimN = space.dimensions[0]!;
    if (dimN.kind !== 'numeric') throw new Error('numeric expected');
    for (let i = 0; i < 50; i++) {
      const u = drawFromKernel(est, 0, drawKernel(est, rng), rng);
      expect(u).toBe(dimN.encode(dimN.decode(u)));
    }
  });

  it('uses Scott-rule bandwidths in the multivariate estimator and a joint density', () => {
    const rng = createRng(4, 4);
    const points = Array.from({ length: 20 }, () => Float64Array.of(rng.next(), rng.next()));
    const est = buildParzenEstimator(
      { dims: [CONTINUOUS, CONTINUOUS], points },
      { ...DENSITY, multivariate: true },
    );
    const dim = est.dims[0]!;
    if (dim.kind !== 'numeric') throw new Error('numeric expected');
    expect(dim.sigma[0]).toBeCloseTo(0.2 * 20 ** (-1 / 6), 12);
    expect(dim.sigma[20]).toBe(1);
    // The joint density integrates to 1 over the unit square.
    const steps = 300;
    let total = 0;
    for (let a = 0; a < steps; a++) {
      for (let b = 0; b < steps; b++) {
        total += Math.exp(jointLogPdf(est, [(a + 0.5) / steps, (b + 0.5) / steps], scratch));
      }
    }
    expect(total / steps ** 2).toBeCloseTo(1, 4);
  });
});

describe('Parzen estimator: categorical kernel', () => {
  it("puts 1 + w on the observed category and w on all, w = priorWeight / (n + 1), as Optuna's", () => {
    const categorical: ModelDimension = { kind: 'categorical', choices: 3 };
    // Observations 0, 0, 2 (n = 3): w = 1/4, row sum = 3/4 + 1.
    const est = buildParzenEstimator({ dims: [categorical], points: points1d([0, 0, 2]) }, DENSITY);
    const hit = 1.25 / 1.75;
    const miss = 0.25 / 1.75;
    // Mixture weights 1/4 each (three observations and the uniform prior).
    const expected = [
      (2 * hit + miss + 1 / 3) / 4,
      (3 * miss + 1 / 3) / 4,
      (2 * miss + hit + 1 / 3) / 4,
    ];
    expected.forEach((p, c) => {
      expect(Math.exp(dimensionLogPdf(est, 0, c, scratch))).toBeCloseTo(p, 12);
    });
    // Draws follow the same probabilities.
    const rng = createRng(1, 1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[drawFromKernel(est, 0, drawKernel(est, rng), rng)]!++;
    counts.forEach((n, c) => {
      expect(n / 100_000).toBeCloseTo(expected[c]!, 2);
    });
  });
});

describe('discrete cells', () => {
  it('finds the interval of unit coordinates that decode to each value', () => {
    const space = buildSpace({ q: { distribution: 'q_uniform', min: 0.05, max: 1, q: 0.1 } });
    const dim = space.dimensions[0]!;
    if (dim.kind !== 'numeric') throw new Error('numeric expected');
    const cells = discretizerFor(dim)!;
    for (const u of [0, 0.03, 0.2, 0.5, 0.77, 0.999, 1]) {
      const cell = cells.cellOf(u);
      const value = dim.decode(u);
      expect(cell.lo).toBeLessThanOrEqual(u);
      expect(cell.hi).toBeGreaterThanOrEqual(u);
      expect(dim.decode(cell.centre)).toBe(value);
      // Just inside the ends: the same value; just outside: another one.
      expect(dim.decode(cell.lo + 1e-9)).toBe(value);
      expect(dim.decode(cell.hi - 1e-9)).toBe(value);
      if (cell.lo > 0) expect(dim.decode(cell.lo - 1e-9)).not.toBe(value);
      if (cell.hi < 1) expect(dim.decode(cell.hi + 1e-9)).not.toBe(value);
    }
    // The same cell whichever coordinate inside it asked (memoized cells cannot depend on it).
    expect(cells.cellOf(0.45)).toEqual(discretizerFor(dim)!.cellOf(0.47));
  });

  it('cuts int_uniform into equal slices', () => {
    const space = buildSpace({ n: { distribution: 'int_uniform', min: -2, max: 2 } });
    const dim = space.dimensions[0]!;
    if (dim.kind !== 'numeric') throw new Error('numeric expected');
    expect(discretizerFor(dim)!.cellOf(0.5)).toEqual({ lo: 0.4, hi: 0.6, centre: 0.5 });
    expect(discretizerFor(dim)!.cellOf(1)).toEqual({ lo: 0.8, hi: 1, centre: 0.9 });
  });
});

describe('sorted kernels', () => {
  it('give the same log-sum-exp as a pass over every kernel', () => {
    const rng = createRng(8, 8);
    const n = 500;
    // Clustered centres and mixed bandwidths, as in a late TPE history.
    const mu = Float64Array.from({ length: n }, () => 0.3 + 0.1 * rng.normal());
    const sigma = Float64Array.from({ length: n }, (_, k) => (k % 50 === 0 ? 0.3 : 0.01));
    const c = Float64Array.from({ length: n }, () => -5 - rng.next());
    const order = Int32Array.from({ length: n }, (_, k) => k).sort((a, b) => mu[a]! - mu[b]!);
    const sorted = sortKernels(mu, sigma, c, order);
    for (const x of [0, 0.1, 0.29, 0.3, 0.31, 0.6, 1]) {
      let max = -Infinity;
      const terms = Array.from({ length: n }, (_, k) => {
        const z = (x - mu[k]!) / sigma[k]!;
        const t = c[k]! - 0.5 * z * z;
        max = Math.max(max, t);
        return t;
      });
      const exact = max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0));
      expect(sortedLogSumExp(sorted, x)).toBeCloseTo(exact, 10);
    }
  });
});

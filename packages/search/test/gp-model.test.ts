/**
 * The GP model: posterior, marginal-likelihood fit, output transform and the checkpointed
 * hyperparameter cache.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../src/index.js';
import { fitHyperparameters, logPosterior } from '../src/samplers/gp/fit.js';
import {
  capObservations,
  checkpoints,
  HyperparameterCache,
  type Observation,
} from '../src/samplers/gp/hyperparameter-cache.js';
import {
  defaultHyperparameters,
  kernelParams,
  noiseVariance,
} from '../src/samplers/gp/hyperparameters.js';
import { fitYeoJohnson, transformLosses, yeoJohnson } from '../src/samplers/gp/output-transform.js';
import { GpPosterior } from '../src/samplers/gp/regression.js';

function randomData(n: number, d: number, seed: number, f: (x: Float64Array) => number) {
  const rng = createRng(seed, 0);
  const X = Float64Array.from({ length: n * d }, () => rng.next());
  const y = Float64Array.from({ length: n }, (_, j) => f(X.subarray(j * d, (j + 1) * d)));
  return { X, y };
}

describe('GP posterior', () => {
  const theta = Float64Array.from([Math.log(0.3), Math.log(0.5), 0, Math.log(1e-8), Math.log(0.2)]);
  const categorical = new Uint8Array(2);
  const { X, y } = randomData(15, 2, 1, (x) => Math.sin(6 * x[0]!) + x[1]! ** 2);
  const post = new GpPosterior(kernelParams(theta, categorical), noiseVariance(theta), X, y);

  it('interpolates noise-free data', () => {
    for (let j = 0; j < 15; j++) {
      const p = post.predict(X.slice(j * 2, j * 2 + 2));
      expect(p.mean).toBeCloseTo(y[j]!, 5);
      expect(p.variance).toBeLessThan(1e-6);
    }
  });

  it('reverts to the prior far from the data', () => {
    const far = new GpPosterior(
      kernelParams(Float64Array.from([Math.log(0.01), Math.log(0.01), 0, -10, -10]), categorical),
      1e-6,
      X,
      y,
    );
    const p = far.predict(Float64Array.from([0.123456, 0.98765]));
    expect(Math.abs(p.mean)).toBeLessThan(1e-3);
    expect(p.variance).toBeCloseTo(1 + Math.exp(-10), 3);
  });

  it('believes pending points: same mean everywhere, collapsed variance at them', () => {
    const pending = Float64Array.from([0.5, 0.5, 0.1, 0.9]);
    const believed = post.withBelievedPoints(pending);
    expect(believed.n).toBe(17);
    for (const x of [
      [0.5, 0.5],
      [0.1, 0.9],
      [0.7, 0.2],
    ]) {
      const before = post.predict(Float64Array.from(x));
      const after = believed.predict(Float64Array.from(x));
      expect(after.mean).toBeCloseTo(before.mean, 6);
      expect(after.variance).toBeLessThanOrEqual(before.variance + 1e-12);
    }
    expect(believed.predict(Float64Array.from([0.5, 0.5])).variance).toBeLessThan(1e-6);
  });
});

describe('marginal-likelihood fit', () => {
  it('has the gradient of finite differences (numeric, categorical, additive, noise)', () => {
    const rng = createRng(2, 0);
    const n = 14;
    const X = new Float64Array(n * 3);
    for (let j = 0; j < n; j++) X.set([rng.next(), rng.int(3), rng.next()], j * 3);
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const data = { X, y, categorical: Uint8Array.from([0, 1, 0]) };
    const theta = Float64Array.from([-0.7, 0.3, -1.2, 0.2, Math.log(0.02), Math.log(0.3)]);
    const grad = new Float64Array(theta.length);
    logPosterior(theta, data, grad);
    const scratch = new Float64Array(theta.length);
    for (let i = 0; i < theta.length; i++) {
      const h = 1e-6;
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[i]! += h;
      down[i]! -= h;
      const numeric =
        (logPosterior(up, data, scratch) - logPosterior(down, data, scratch)) / (2 * h);
      expect(grad[i], `θ[${i}]`).toBeCloseTo(numeric, 4);
    }
  });

  it('finds a short length scale for the dimension that matters and a long one for the other', () => {
    const { X, y } = randomData(40, 2, 3, (x) => Math.sin(8 * x[0]!));
    const data = { X, y: transformLosses(y, 'standardize'), categorical: new Uint8Array(2) };
    const start = defaultHyperparameters(2);
    const fit = fitHyperparameters(data, { starts: [start], maxIterations: 100 });
    expect(fit.value).toBeGreaterThan(logPosterior(start, data, new Float64Array(5)));
    const [l0, l1] = [Math.exp(fit.theta[0]!), Math.exp(fit.theta[1]!)];
    expect(l0).toBeLessThan(1);
    expect(l1).toBeGreaterThan(4 * l0);
    // Noise-free data: the fit should not explain it as noise.
    expect(noiseVariance(fit.theta)).toBeLessThan(1e-2);
  });
});

describe('output transform', () => {
  it('standardizes, and warps heavy right tails monotonically', () => {
    const losses = [1, 2, 3, 5, 10, 100, 1000, 4000];
    const plain = transformLosses(losses, 'standardize');
    const warped = transformLosses(losses, 'power');
    for (const y of [plain, warped]) {
      const mean = y.reduce((a, b) => a + b, 0) / y.length;
      const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length;
      expect(mean).toBeCloseTo(0, 10);
      expect(variance).toBeCloseTo(1, 10);
      for (let i = 1; i < y.length; i++) expect(y[i]).toBeGreaterThan(y[i - 1]!);
    }
    // The warp spreads the good (low) losses apart that standardization squeezes together.
    expect(warped[1]! - warped[0]!).toBeGreaterThan(3 * (plain[1]! - plain[0]!));
    const standardized = transformLosses(losses, 'standardize');
    expect(fitYeoJohnson(standardized)).toBeLessThan(1);
  });

  it('stays finite for losses at the ends of the double range', () => {
    for (const transform of ['standardize', 'power'] as const) {
      const y = transformLosses([1.7e308, -1.7e308, 1, 2, 1e300], transform);
      expect(y.every(Number.isFinite), transform).toBe(true);
      expect(y[0]).toBeGreaterThan(y[4]!);
      expect(y[1]).toBeLessThan(y[2]!);
    }
  });

  it('is the identity transform at λ = 1 and continuous at λ = 0 and 2', () => {
    for (const x of [-2, -0.5, 0, 0.3, 4]) {
      expect(yeoJohnson(x, 1)).toBeCloseTo(x, 12);
      expect(yeoJohnson(x, 0)).toBeCloseTo(yeoJohnson(x, 1e-8), 6);
      expect(yeoJohnson(x, 2)).toBeCloseTo(yeoJohnson(x, 2 - 1e-8), 6);
    }
  });
});

describe('hyperparameter checkpoints', () => {
  it('are every count up to 32, then 10% apart', () => {
    const c = checkpoints(60);
    expect(c.slice(0, 3)).toEqual([2, 3, 4]);
    expect(c).toContain(32);
    expect(c.filter((m) => m > 32)).toEqual([36, 40, 44, 49, 54, 60]);
  });

  it('cap observations to the best half and the most recent, in trial order', () => {
    const obs: Observation[] = [5, 1, 4, 2, 9, 8, 7, 6].map((loss, number) => ({
      number,
      loss,
      x: Float64Array.from([number / 8]),
      completed: true,
    }));
    expect(capObservations(obs, 4).map((o) => o.number)).toEqual([1, 3, 6, 7]);
    expect(capObservations(obs, 100)).toHaveLength(8);
  });

  it.each([200, 20])(
    'give the same hyperparameters from a fresh cache as from a warm one (fit cap %i)',
    (maxFitObservations) => {
      const rng = createRng(4, 0);
      const obs: Observation[] = Array.from({ length: 45 }, (_, number) => {
        const x = Float64Array.from([rng.next(), rng.next()]);
        return { number, x, loss: (x[0]! - 0.3) ** 2 + Math.sin(5 * x[1]!), completed: true };
      });
      const categorical = new Uint8Array(2);
      const options = { maxFitObservations, outputTransform: 'power' as const };
      const warm = new HyperparameterCache(options);
      // Grow the history one trial at a time, as a sweep does.
      for (let n = 2; n < obs.length; n++) warm.hyperparameters(obs.slice(0, n), categorical);
      const fromWarm = warm.hyperparameters(obs, categorical);
      const fromFresh = new HyperparameterCache(options).hyperparameters(obs, categorical);
      expect(Array.from(fromWarm)).toEqual(Array.from(fromFresh));
      // A different history (one loss changed) is not served from the cache.
      const changed = obs.map((o, i) => (i === 40 ? { ...o, loss: o.loss + 1 } : o));
      expect(Array.from(warm.hyperparameters(changed, categorical))).not.toEqual(
        Array.from(fromWarm),
      );
    },
  );
});

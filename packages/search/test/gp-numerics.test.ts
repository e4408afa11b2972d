/**
 * GP-BO numerics: special functions, log-EI, the Cholesky routines and the kernel, each against
 * an independent reference (known constants, numerical integration, finite differences).
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../src/index.js';
import {
  dLogH,
  logExpectedImprovement,
  logExpectedImprovementWithGradient,
  logH,
} from '../src/samplers/gp/acquisition.js';
import { cholesky, inverse, logDet, solve } from '../src/samplers/gp/cholesky.js';
import {
  CrossKernel,
  type KernelParams,
  kernelMatrix,
  kernelValue,
  matern52,
} from '../src/samplers/gp/kernel.js';
import { GpPosterior } from '../src/samplers/gp/regression.js';
import { erfcx, logNormalCdf, normalCdf } from '../src/samplers/gp/special.js';

/** EI/σ = ∫_{−∞}^{z} (z − t)φ(t) dt by Simpson's rule: a reference that shares no code with h(z). */
function hByIntegration(z: number): number {
  const lo = z - 40;
  const steps = 200_000;
  const dt = (z - lo) / steps;
  let sum = 0;
  for (let k = 0; k <= steps; k++) {
    const t = lo + k * dt;
    const w = k === 0 || k === steps ? 1 : k % 2 ? 4 : 2;
    sum += w * (z - t) * Math.exp(-0.5 * t * t);
  }
  return (sum * dt) / 3 / Math.sqrt(2 * Math.PI);
}

const fd = (f: (x: number) => number, x: number, h = 1e-6) => (f(x + h) - f(x - h)) / (2 * h);

describe('special functions', () => {
  it('match known values of erfcx and Φ to full precision', () => {
    expect(erfcx(0)).toBe(1);
    expect(erfcx(1)).toBeCloseTo(0.42758357615580705, 15);
    expect(erfcx(10) / 0.05614099274382259 - 1).toBeLessThan(1e-14);
    expect(erfcx(-1) / 5.00898008076228 - 1).toBeLessThan(1e-14);
    expect(normalCdf(-10) / 7.619853024160527e-24 - 1).toBeLessThan(1e-12);
    expect(normalCdf(1.5)).toBeCloseTo(0.9331927987311419, 15);
    expect(logNormalCdf(-40)).toBeCloseTo(-804.6084420137538, 9);
    expect(logNormalCdf(3)).toBeCloseTo(Math.log(0.9986501019683699), 15);
  });
});

describe('log expected improvement', () => {
  it('equals log(EI) wherever EI is representable', () => {
    for (const z of [-25, -12, -6, -3, -1.5, -1, -0.5, 0, 0.7, 2, 6]) {
      const reference = Math.log(hByIntegration(z));
      expect(Math.abs(logH(z) - reference), `z = ${z}`).toBeLessThan(
        1e-7 * Math.max(1, -reference),
      );
    }
    // With a mean and a variance: log EI = log σ + log h((best − μ)/σ).
    const sigma = 0.3;
    expect(logExpectedImprovement(1, sigma * sigma, 0.4)).toBeCloseTo(
      Math.log(sigma * hByIntegration((0.4 - 1) / sigma)),
      7,
    );
  });

  it('stays finite and decreasing far in the tail, where EI underflows to 0', () => {
    let previous = logH(-30);
    for (const z of [-100, -1e3, -1e5, -1e8, -1e12]) {
      const v = logH(z);
      expect(Number.isFinite(v), `z = ${z}`).toBe(true);
      expect(v).toBeLessThan(previous);
      // h(z) ≈ φ(z)/z² there.
      const asymptote = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z);
      expect(Math.abs(v / asymptote - 1)).toBeLessThan(1e-6);
      previous = v;
    }
    expect(Math.exp(logH(-40))).toBe(0);
    expect(Number.isFinite(dLogH(-1e3))).toBe(true);
  });

  it('has the derivatives of finite differences, in z and in (μ, σ²)', () => {
    for (const z of [-30, -5, -1.2, -0.3, 0.4, 3]) {
      expect(dLogH(z)).toBeCloseTo(fd(logH, z), 5);
    }
    const g = logExpectedImprovementWithGradient(0.2, 0.09, -0.5);
    expect(g.dMean).toBeCloseTo(
      fd((m) => logExpectedImprovement(m, 0.09, -0.5), 0.2),
      5,
    );
    expect(g.dVariance).toBeCloseTo(
      fd((v) => logExpectedImprovement(0.2, v, -0.5), 0.09),
      4,
    );
  });
});

describe('cholesky', () => {
  const random = (n: number) => {
    const rng = createRng(5, n);
    const B = Float64Array.from({ length: n * n }, () => rng.normal());
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let k = 0; k < n; k++) s += B[i * n + k]! * B[j * n + k]!;
        A[i * n + j] = s;
      }
    }
    return A;
  };

  it('factors, solves, inverts and takes the log-determinant of an SPD matrix', () => {
    const n = 7;
    const A = random(n);
    const f = cholesky(A, n);
    expect(f.jitter).toBe(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += f.L[i * n + k]! * f.L[j * n + k]!;
        expect(s).toBeCloseTo(A[i * n + j]!, 9);
      }
    }
    const b = Float64Array.from({ length: n }, (_, i) => i - 3);
    const x = solve(f, Float64Array.from(b));
    const inv = inverse(f);
    for (let i = 0; i < n; i++) {
      let ax = 0;
      for (let k = 0; k < n; k++) ax += A[i * n + k]! * x[k]!;
      expect(ax).toBeCloseTo(b[i]!, 9);
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += A[i * n + k]! * inv[k * n + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
      }
    }
    // det of a diagonal matrix as a cross-check of the formula.
    const D = Float64Array.from([2, 0, 0, 0, 3, 0, 0, 0, 5]);
    expect(logDet(cholesky(D, 3))).toBeCloseTo(Math.log(30), 12);
  });

  it('adds jitter to a singular matrix (a duplicated point) instead of failing', () => {
    // Rank one: every row is the same.
    const A = new Float64Array(9).fill(1);
    const f = cholesky(A, 3);
    expect(f.jitter).toBeGreaterThan(0);
    expect(f.jitter).toBeLessThan(1e-3);
    expect(f.L.every(Number.isFinite)).toBe(true);
  });

  it('refuses a matrix that jitter cannot save', () => {
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
    expect(() => cholesky(Float64Array.from([Number.NaN, 0, 0, 1]), 2)).toThrow();
  });
});

describe('Matérn-5/2 kernel', () => {
  const params: KernelParams = {
    inverseSquaredLengthscales: Float64Array.from([4, 1, 9]),
    outputScale: 1.7,
    additiveScale: 0.4,
    categorical: Uint8Array.from([0, 1, 0]),
  };

  it('has the closed form, with a Hamming term for categoricals and an additive part', () => {
    expect(matern52(0)).toBe(1);
    const r = 0.8;
    expect(matern52(r * r)).toBeCloseTo(
      (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r),
      15,
    );
    const a = Float64Array.from([0.1, 2, 0.5]);
    const b = Float64Array.from([0.4, 1, 0.45]);
    const s = [0.3 ** 2 * 4, 1, 0.05 ** 2 * 9];
    const expected =
      1.7 * matern52(s[0]! + s[1]! + s[2]!) + (0.4 / 3) * s.reduce((t, v) => t + matern52(v), 0);
    expect(kernelValue(params, a, 0, b, 0)).toBeCloseTo(expected, 14);
    expect(kernelValue(params, a, 0, a, 0)).toBeCloseTo(2.1, 14);
  });

  it('evaluates k(x, X) the same way through the factored cross kernel', () => {
    const rng = createRng(9, 0);
    const n = 12;
    const X = new Float64Array(n * 3);
    for (let j = 0; j < n; j++) X.set([rng.next(), rng.int(3), rng.next()], j * 3);
    const cross = new CrossKernel(params, X, n);
    const x = Float64Array.from([0.3, 1, 0.9]);
    const out = cross.values(x, new Float64Array(n));
    for (let j = 0; j < n; j++) expect(out[j]).toBeCloseTo(kernelValue(params, x, 0, X, j), 13);
    const K = kernelMatrix(params, X, n);
    expect(K[3 * n + 5]).toBe(K[5 * n + 3]);
    expect(K[3 * n + 5]).toBeCloseTo(kernelValue(params, X, 3, X, 5), 14);
  });

  it('gives posterior gradients in x that match finite differences', () => {
    const rng = createRng(11, 0);
    const n = 10;
    const X = new Float64Array(n * 3);
    for (let j = 0; j < n; j++) X.set([rng.next(), rng.int(3), rng.next()], j * 3);
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const post = new GpPosterior(params, 1e-4, X, y);
    const x = Float64Array.from([0.35, 2, 0.6]);
    const grad = new Float64Array(3);
    // Coefficients (1, 0) give ∇μ, (0, 1) give ∇σ².
    for (const [cm, cv] of [
      [1, 0],
      [0, 1],
    ] as const) {
      post.predictWithGradient(x, () => ({ mean: cm, variance: cv }), grad);
      for (const i of [0, 2]) {
        const f = (t: number) => {
          const z = Float64Array.from(x);
          z[i] = t;
          const p = post.predict(z);
          return cm * p.mean + cv * p.variance;
        };
        expect(grad[i]).toBeCloseTo(fd(f, x[i]!), 5);
      }
      expect(grad[1]).toBe(0);
    }
  });
});

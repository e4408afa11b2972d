/**
 * Fast evaluation of a one-dimensional mixture of normal kernels, ln Σ_k exp(c_k - z_k²/2) with
 * z_k = (x - μ_k)/σ_k: the inner loop of univariate TPE, run for every candidate against every
 * kernel of g(x), which holds nearly the whole history.
 *
 * Kernels are kept sorted by centre and cut into blocks that record their centre range, widest
 * bandwidth and largest constant. A block whose best possible term is {@link NEGLIGIBLE_TERM}
 * below the running maximum is skipped whole, so a candidate costs the kernels near it plus one
 * bound per block instead of a pass over all kernels.
 */

const BLOCK = 16;

/**
 * Log-sum-exp terms this far below the maximum are dropped: e^-32 ≈ 1.3e-14, so even a thousand
 * of them change the sum by ~1e-11 relative, far below the ~1e-7 accuracy of the normal CDF the
 * kernels are normalized with.
 */
export const NEGLIGIBLE_TERM = -32;

/** Kernels sorted by centre, with per-block bounds; build with {@link sortKernels}. */
export interface SortedKernels {
  readonly mu: Float64Array;
  readonly invSigma: Float64Array;
  readonly c: Float64Array;
  readonly blockLo: Float64Array;
  readonly blockHi: Float64Array;
  readonly blockSigma: Float64Array;
  readonly blockC: Float64Array;
}

/**
 * Lays kernels out in the order `order` (ascending centres) for {@link sortedLogSumExp}.
 * @param c each kernel's constant: ln weight + ln normalizer
 */
export function sortKernels(
  mu: Float64Array,
  sigma: Float64Array,
  c: Float64Array,
  order: Int32Array,
): SortedKernels {
  const n = order.length;
  const sMu = new Float64Array(n);
  const sInv = new Float64Array(n);
  const sC = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = order[i]!;
    sMu[i] = mu[k]!;
    sInv[i] = 1 / sigma[k]!;
    sC[i] = c[k]!;
  }
  const blocks = Math.ceil(n / BLOCK);
  const blockLo = new Float64Array(blocks);
  const blockHi = new Float64Array(blocks);
  const blockSigma = new Float64Array(blocks);
  const blockC = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const start = b * BLOCK;
    const end = Math.min(n, start + BLOCK);
    blockLo[b] = sMu[start]!;
    blockHi[b] = sMu[end - 1]!;
    let s = 0;
    let cm = -Infinity;
    for (let i = start; i < end; i++) {
      s = Math.max(s, sigma[order[i]!]!);
      cm = Math.max(cm, sC[i]!);
    }
    blockSigma[b] = s;
    blockC[b] = cm;
  }
  return { mu: sMu, invSigma: sInv, c: sC, blockLo, blockHi, blockSigma, blockC };
}

/** ln Σ_k exp(c_k - ((x - μ_k)/σ_k)²/2), dropping only terms that cannot change it. */
export function sortedLogSumExp(kernels: SortedKernels, x: number): number {
  const { mu, blockLo, blockHi, blockSigma, blockC } = kernels;
  const blocks = blockLo.length;
  // Start with the block that holds x (the likeliest to give the maximum), then every other.
  let lo = 0;
  let hi = mu.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (mu[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  const first = Math.min(blocks - 1, Math.floor(lo / BLOCK));
  const acc = { max: -Infinity, sum: 0 };
  addBlock(kernels, first, x, acc);
  for (let b = 0; b < blocks; b++) {
    if (b === first) continue;
    const gap = x < blockLo[b]! ? blockLo[b]! - x : x > blockHi[b]! ? x - blockHi[b]! : 0;
    const z = gap / blockSigma[b]!;
    if (blockC[b]! - 0.5 * z * z - acc.max < NEGLIGIBLE_TERM) continue;
    addBlock(kernels, b, x, acc);
  }
  return acc.max + Math.log(acc.sum);
}

/** Adds one block's terms to a running log-sum-exp (max, and the sum of exp(term - max)). */
function addBlock(
  kernels: SortedKernels,
  b: number,
  x: number,
  acc: { max: number; sum: number },
): void {
  const { mu, invSigma, c } = kernels;
  const end = Math.min(mu.length, (b + 1) * BLOCK);
  let { max, sum } = acc;
  for (let i = b * BLOCK; i < end; i++) {
    const z = (x - mu[i]!) * invSigma[i]!;
    const t = c[i]! - 0.5 * z * z;
    const d = t - max;
    if (d > 0) {
      sum = sum * Math.exp(-d) + 1;
      max = t;
    } else if (d > NEGLIGIBLE_TERM) {
      sum += Math.exp(d);
    }
  }
  acc.max = max;
  acc.sum = sum;
}

/**
 * Seeded random numbers. The search engine never calls Math.random: every sampler receives an
 * `Rng` derived from (sweep seed, trial number), so a suggestion depends only on the sweep's seed
 * and history, never on timing or on which scheduler replica made it.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** A new independent stream, for a sub-task that must not disturb this one. */
  fork(stream: number): Rng;
}

/** splitmix64-style 32-bit mixer, used to turn (seed, stream) into well-spread state. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** xoshiro128** generator: small state, fast, good statistical quality for sampling. */
class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  constructor(seed: number, stream: number) {
    const a = mix32(seed >>> 0);
    const b = mix32((a ^ (stream >>> 0)) + 0x6a09e667);
    this.s0 = mix32(a + 1);
    this.s1 = mix32(b + 2);
    this.s2 = mix32(a ^ b ^ 3);
    this.s3 = mix32(b + a + 4) | 1; // never all-zero
    for (let i = 0; i < 8; i++) this.nextU32();
  }

  private nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  next(): number {
    // 53 bits of randomness from two draws.
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    // Box–Muller; 1 - next() keeps the log argument in (0, 1].
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  fork(stream: number): Rng {
    return new Xoshiro128(this.nextU32() ^ mix32(stream), stream);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * The RNG for one suggestion: the same (seed, stream) always gives the same sequence.
 * @param seed the sweep's seed
 * @param stream the trial number (or any other index that names the draw)
 */
export function createRng(seed: number, stream = 0): Rng {
  return new Xoshiro128(seed, stream);
}

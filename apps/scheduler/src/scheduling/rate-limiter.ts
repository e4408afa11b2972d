/**
 * A token bucket: at most `perSecond` trials created per second, with bursts up to one second's
 * worth. The clock is passed in, so tests and the simulator drive it.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number,
  ) {
    if (!(perSecond > 0)) throw new Error(`rate must be > 0, got ${perSecond}`);
    this.tokens = perSecond;
    this.last = clock();
  }

  /** Takes up to `wanted` tokens; returns how many it got. */
  take(wanted: number): number {
    this.refill();
    const got = Math.max(0, Math.min(wanted, Math.floor(this.tokens)));
    this.tokens -= got;
    return got;
  }

  /** Milliseconds until the next token. */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private refill(): void {
    const now = this.clock();
    this.tokens = Math.min(
      this.perSecond,
      this.tokens + ((now - this.last) / 1000) * this.perSecond,
    );
    this.last = now;
  }
}

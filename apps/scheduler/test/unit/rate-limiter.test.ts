import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/index.js';

describe('trial-creation rate limiter', () => {
  it('allows a second’s worth at once, then refills at the rate', () => {
    let now = 0;
    const limiter = new RateLimiter(10, () => now);
    expect(limiter.take(25)).toBe(10);
    expect(limiter.take(1)).toBe(0);
    expect(limiter.waitMs()).toBe(100);
    now += 350;
    expect(limiter.take(10)).toBe(3);
    now += 10_000;
    expect(limiter.take(100)).toBe(10);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new RateLimiter(0, () => 0)).toThrow(/rate must be > 0/);
  });
});

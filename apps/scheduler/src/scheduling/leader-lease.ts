/**
 * One leader among any number of scheduler replicas: a Redis key with a TTL, taken with SET NX and
 * renewed only by its holder (a Lua check-and-extend), so a dead leader's lease simply expires.
 */
import type { Redis } from 'ioredis';

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export class LeaderLease {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    readonly holder: string,
    /** @defaultValue 10 s: another replica takes over at most this long after a leader dies. */
    private readonly ttlMs = 10_000,
  ) {}

  /** Takes the lease if it is free, or renews it if we hold it. True while we lead. */
  async acquireOrRenew(): Promise<boolean> {
    const taken = await this.redis.set(this.key, this.holder, 'PX', this.ttlMs, 'NX');
    if (taken === 'OK') return true;
    const renewed = await this.redis.eval(RENEW, 1, this.key, this.holder, this.ttlMs);
    return renewed === 1;
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.holder);
  }
}

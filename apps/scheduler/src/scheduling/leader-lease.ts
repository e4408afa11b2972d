/**
 * One leader among any number of scheduler replicas: a Redis key with a time-to-live, taken with
 * SET NX and extended only by its holder (a Lua check-and-extend), renewed on its own timer —
 * never by the scheduling work, so a slow pass cannot lose it.
 *
 * Each election draws a fencing token (a counter that only grows). The scheduler passes it with
 * every trial it creates, and each sweep refuses a token older than one it has seen: a deposed
 * leader that has not noticed yet cannot create a trial once the new leader has written.
 *
 * A leader that fails to renew, or cannot reach Redis until its lease would have lapsed, steps
 * down at once. A clean shutdown deletes the lease, so a restarted scheduler leads without waiting;
 * and a replica restarted after a crash takes back the lease its predecessor held under the same
 * holder id (same host and port: the predecessor is gone), so it need not wait for it to lapse.
 */
import type { Redis } from 'ioredis';

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/** Takes the lease when it is free or already ours (a crashed predecessor's, under our id). */
const ACQUIRE = `
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface LeaderLeaseOptions {
  redis: Redis;
  /** The lease key and the fencing counter's key. */
  key: string;
  fenceKey: string;
  /** This replica's id: stable across restarts of one replica (e.g. host and port). */
  holder: string;
  /**
   * How long a lease lasts without renewal: another replica leads at most this long after a
   * leader dies. Renewed every third of it. @defaultValue 5000
   */
  ttlMs?: number;
  /** Called with the fencing token when this replica becomes leader. */
  onElected(fence: number): void;
  /** Called when it stops leading (lost the lease, or Redis away too long). */
  onDeposed(reason: string): void;
  onError?(err: unknown): void;
  /** @defaultValue Date.now */
  clock?: () => number;
}

export class LeaderLease {
  private readonly ttlMs: number;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private lastRenewed = 0;
  private stopped = false;
  private fence = 0;

  constructor(private readonly opts: LeaderLeaseOptions) {
    this.ttlMs = opts.ttlMs ?? 5000;
    if (!Number.isInteger(this.ttlMs) || this.ttlMs < 300) {
      throw new Error(`lease ttlMs must be an integer >= 300, got ${opts.ttlMs}`);
    }
    this.clock = opts.clock ?? Date.now;
  }

  get holder(): string {
    return this.opts.holder;
  }

  /** True while this replica holds a lease that has not lapsed by its own clock. */
  isLeader(): boolean {
    return this.leading && this.clock() - this.lastRenewed < this.ttlMs;
  }

  /** The fencing token of the current term (0 before the first election). */
  get token(): number {
    return this.fence;
  }

  /** Starts trying to lead, and renewing once leading. */
  start(): void {
    this.stopped = false;
    void this.beat();
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    try {
      await (this.leading ? this.renew() : this.acquire());
    } catch (err) {
      this.opts.onError?.(err);
      // Unreachable Redis: we may still hold the lease, but cannot know past its lifetime.
      if (this.leading && this.clock() - this.lastRenewed >= this.ttlMs) {
        this.stepDown('Redis unreachable for longer than the lease');
      }
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.beat(), Math.floor(this.ttlMs / 3));
    }
  }

  private async acquire(): Promise<void> {
    const { redis, key, fenceKey, holder } = this.opts;
    const now = this.clock();
    if ((await redis.eval(ACQUIRE, 1, key, holder, this.ttlMs)) !== 1) return;
    this.fence = await redis.incr(fenceKey);
    this.leading = true;
    this.lastRenewed = now;
    this.opts.onElected(this.fence);
  }

  private async renew(): Promise<void> {
    const { redis, key, holder } = this.opts;
    const now = this.clock();
    const renewed = await redis.eval(RENEW, 1, key, holder, this.ttlMs);
    if (renewed === 1) this.lastRenewed = now;
    else this.stepDown('the lease was taken over');
  }

  private stepDown(reason: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.opts.onDeposed(reason);
  }

  /** Stops renewing; releases the lease if held, so another replica leads at once. */
  async release(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const was = this.leading;
    this.leading = false;
    if (was) {
      await this.opts.redis.eval(RELEASE, 1, this.opts.key, this.opts.holder);
      this.opts.onDeposed('released');
    }
  }
}

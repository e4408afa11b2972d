/**
 * @rung/store — the Redis-backed state of sweeps and trials (Lua compare-and-set transitions,
 * reports, rung data, the leaderboard) and the private redis-server of the local cluster.
 */

export { createKeys, type Keys, parseTrialId, trialId } from './keys.js';
export {
  freePort,
  hasRedisServer,
  type LocalRedis,
  type LocalRedisOptions,
  REDIS_INSTALL_HINT,
  startLocalRedis,
} from './local-redis-server.js';
export { RungStore, type StoredTrial, type StoreEvent, type StoreOptions } from './store.js';

/**
 * @rung/store — the Redis-backed state of sweeps and trials (Lua compare-and-set transitions,
 * reports, rung data, the leaderboard) and the private redis-server of the local cluster.
 */
export { RungStore, type StoreEvent, type StoreOptions, type StoredTrial } from './store.js';
export { createKeys, parseTrialId, trialId, type Keys } from './keys.js';
export {
  REDIS_INSTALL_HINT,
  freePort,
  hasRedisServer,
  startLocalRedis,
  type LocalRedis,
  type LocalRedisOptions,
} from './local-redis-server.js';

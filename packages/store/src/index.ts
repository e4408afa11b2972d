/**
 * @rung/store — the records of sweeps, trials, early-stopping data, workers and events behind one
 * interface (`Store`, with its contract), on Redis (`RedisStore`) or in memory (`MemoryStore`),
 * and the private redis-server of the local cluster.
 */

export { createKeys, type Keys, trialId } from './keys.js';
export {
  freePort,
  hasRedisServer,
  type LocalRedis,
  type LocalRedisOptions,
  REDIS_INSTALL_HINT,
  startLocalRedis,
} from './local-redis-server.js';
export { MemoryStore, type MemoryStoreOptions } from './memory/memory-store.js';
export { RedisStore, type RedisStoreOptions } from './redis/redis-store.js';
export type { LuaScript } from './redis/script.js';
export { SCRIPTS } from './redis/scripts/index.js';
export {
  type AttemptUsage,
  type CreateTrialResult,
  type FollowedLogs,
  LOG_LINE_CHARS,
  LOG_LINES_KEPT,
  type LogLine,
  type LogPositions,
  type NewCheckpoint,
  type NewSweep,
  type NewTrial,
  type ReportOptions,
  type ReportOutcome,
  registeredTrainers,
  type StartTrialResult,
  type Store,
  type SweepStatus,
  type TrainerInfo,
  type TrialLogs,
  type TrialOutcome,
  type TrialPage,
  type TrialStart,
  type WorkerInfo,
} from './store.js';

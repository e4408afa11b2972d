/**
 * @rung/scheduler — the REST API and the scheduling loop. The process entry is `server.ts`;
 * these exports are for tests and embedding.
 */
export { buildApp, type AppContext, type BuildAppOptions } from './app.js';
export { SweepScheduler, type SchedulerOptions } from './scheduling/sweep-scheduler.js';
export { LeaderLease } from './scheduling/leader-lease.js';
export {
  DEFAULT_RUN_CAP,
  createSampler,
  registerSampler,
  resolveSampler,
  runCapOf,
} from './scheduling/sampler-choice.js';
export { createSweep, newSweepId } from './sweeps/sweep-service.js';
export { createSchedulerMetrics, type SchedulerMetrics } from './metrics.js';

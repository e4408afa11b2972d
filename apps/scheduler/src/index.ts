/**
 * @rung/scheduler — the REST API and the scheduling loop. The process entry is `server.ts`;
 * these exports are for tests and embedding.
 */
export { type AppContext, type BuildAppOptions, buildApp } from './app.js';
export { createSchedulerMetrics, type SchedulerMetrics } from './metrics.js';
export { LeaderLease } from './scheduling/leader-lease.js';
export {
  createSampler,
  DEFAULT_RUN_CAP,
  registerSampler,
  resolveSampler,
  runCapOf,
} from './scheduling/sampler-choice.js';
export { type SchedulerOptions, SweepScheduler } from './scheduling/sweep-scheduler.js';
export { createSweep, newSweepId } from './sweeps/sweep-service.js';

/**
 * @rung/scheduler — the REST API and the scheduling loop. The process entry is `server.ts`;
 * these exports are for tests and embedding.
 */
export { type AppContext, type BuildAppOptions, buildApp } from './app.js';
export { createSchedulerMetrics, type SchedulerMetrics } from './metrics.js';
export { fairShares, type ShareRequest } from './scheduling/fair-share.js';
export { LeaderLease, type LeaderLeaseOptions } from './scheduling/leader-lease.js';
export { RateLimiter } from './scheduling/rate-limiter.js';
export {
  createSampler,
  DEFAULT_RUN_CAP,
  registerSampler,
  resolveSampler,
  runCapOf,
} from './scheduling/sampler-choice.js';
export { SamplerHost, type SuggestRequest, type SuggestResult } from './scheduling/sampler-host.js';
export { SchedulingLoop, type SchedulingLoopOptions } from './scheduling/scheduling-loop.js';
export { InlineSuggester, type Suggester, ThreadSuggester } from './scheduling/suggester.js';
export { SweepRuntime } from './scheduling/sweep-runtime.js';
export {
  type ReconcileResult,
  type SchedulerOptions,
  SweepScheduler,
  type TrialQueue,
} from './scheduling/sweep-scheduler.js';
export {
  type BestSoFar,
  type LearningCurveObjective,
  type SimulationOptions,
  type SimulationResult,
  simulateSweep,
} from './simulator/simulator.js';
export {
  InlineSpecValidator,
  type SpecValidator,
  ThreadSpecValidator,
} from './sweeps/spec-validator.js';
export { createSweep, newSweepId } from './sweeps/sweep-service.js';
export { type ValidatedSweep, validateSweep } from './sweeps/validate-sweep.js';
export { ThreadRpc } from './threads/thread-rpc.js';

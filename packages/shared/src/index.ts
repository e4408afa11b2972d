/**
 * @rung/shared — contracts shared by the scheduler, the workers and the CLI: the sweep spec and
 * its schema, trial and report types, errors, configuration and the logger.
 */

export {
  hashToken,
  isScope,
  newTokenId,
  newTokenSecret,
  SCOPES,
  type Scope,
  scopeAllows,
  type TokenRecord,
} from './auth.js';
export {
  type ApiConfig,
  type ClusterLimits,
  DEFAULT_API_CONFIG,
  DEFAULT_LIMITS,
  intFromEnv,
  loadConfig,
  type RungConfig,
} from './config.js';
export type { Prices, SweepCost } from './cost.js';
export {
  type ErrorCode,
  HTTP_STATUS_BY_CODE,
  RungError,
  SpecError,
  type SpecIssue,
} from './errors.js';
export type { SweepEvent, SweepEventBody, SweepEventType } from './events.js';
export {
  canTransition,
  canTransitionSweep,
  type FinishedTrialState,
  isActive,
  SWEEP_STATES,
  SWEEP_TRANSITIONS,
  type SweepState,
  TRIAL_STATES,
  TRIAL_TRANSITIONS,
  type TrialState,
} from './lifecycle.js';
export { createLogger, type Logger } from './logger.js';
export { isBetter, toLoss } from './metric.js';
export type {
  OverviewCurve,
  OverviewImportance,
  OverviewParameter,
  OverviewTrials,
  SweepOverview,
} from './overview.js';
export {
  isProcessAlive,
  launcherPid,
  onStopSignals,
  runMain,
  type StopReason,
  watchProcess,
} from './process-lifecycle.js';
export { createPruner, type PrunerSetting } from './pruner-choice.js';
export {
  DEFAULT_TRIAL_QUEUE,
  type TrialJob,
  trialJobId,
  trialQueueName,
  trialSeed,
} from './queue.js';
export { DISTRIBUTION_NAMES } from './spec/distributions.js';
export { sweepSpecJsonSchema } from './spec/json-schema.js';
export { parseSweepText, type SpecFormat } from './spec/parse-text.js';
export { prunerRules } from './spec/pruner.js';
export {
  type ParsedSweep,
  parseSweepSpec,
  type SweepConfig,
  trainerNameFor,
} from './spec/sweep-schema.js';
export { TRAINER_NAME_PATTERN } from './spec/trainer.js';
export type {
  Goal,
  Method,
  MetricSpec,
  PrunerRule,
  PrunerSpec,
  QuantileRuleOptions,
  ResourceSpec,
  SpecWarning,
  SweepSpec,
  TrainerSpec,
} from './sweep.js';
export { DEFAULT_MAX_RETRIES, GPU_SHARES } from './sweep.js';
export { applySweepChanges, type SweepChanges } from './sweep-changes.js';
export {
  activeTraceIds,
  contextFrom,
  startTracing,
  type Tracing,
  traceparentField,
  traceparentOf,
  tracer,
  tracingWanted,
} from './tracing.js';
export type { Attempt, Report, SweepCompute, SweepView, Trial, TrialCheckpoint } from './trial.js';
export { sweepCompute } from './trial.js';

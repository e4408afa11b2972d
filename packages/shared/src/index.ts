/**
 * @rung/shared — contracts shared by the scheduler, the workers and the CLI: the sweep spec and
 * its schema, trial and report types, errors, configuration and the logger.
 */
export type {
  Goal,
  Method,
  MetricSpec,
  PrunerSpec,
  SpecWarning,
  SweepSpec,
  TrainerSpec,
} from './sweep.js';
export {
  TERMINAL_TRIAL_STATES,
  TRIAL_STATES,
  type Report,
  type SweepState,
  type SweepView,
  type TrialRecordView,
  type TrialState,
} from './trial.js';
export { isBetter, toLoss } from './metric.js';
export { DEFAULT_TRIAL_QUEUE, trialJobId, trialSeed, type TrialJob } from './queue.js';
export { intFromEnv, loadConfig, type RungConfig } from './config.js';
export { createLogger, type Logger } from './logger.js';
export {
  HTTP_STATUS_BY_CODE,
  RungError,
  SpecError,
  type ErrorCode,
  type SpecIssue,
} from './errors.js';
export { parseSweepSpec, type ParsedSweep, type SweepConfig } from './spec/sweep-schema.js';
export { parseSweepText, type SpecFormat } from './spec/parse-text.js';
export { sweepSpecJsonSchema } from './spec/json-schema.js';

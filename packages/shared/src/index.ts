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

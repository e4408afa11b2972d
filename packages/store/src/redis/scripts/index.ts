/** Every script of the Redis store, registered once per connection. */
import type { LuaScript } from '../script.js';
import { APPEND_LOGS } from './append-logs.js';
import { CREATE_SWEEP } from './create-sweep.js';
import { CREATE_TRIAL } from './create-trial.js';
import { END_TRIALS } from './end-trials.js';
import { FINISH_TRIAL } from './finish-trial.js';
import { PAUSE_TRIAL } from './pause-trial.js';
import { RECORD_CHECKPOINT } from './record-checkpoint.js';
import { REPORT } from './report.js';
import { RESUME_FROM_CHECKPOINT } from './resume-from-checkpoint.js';
import { RESUME_TRIAL } from './resume-trial.js';
import { RETRY_TRIAL } from './retry-trial.js';
import { SET_TRIAL_BACKEND } from './set-trial-backend.js';
import { START_TRIAL } from './start-trial.js';
import { TRANSITION_SWEEP } from './transition-sweep.js';
import { UPDATE_SWEEP } from './update-sweep.js';

export const SCRIPTS: readonly LuaScript[] = [
  CREATE_SWEEP,
  TRANSITION_SWEEP,
  UPDATE_SWEEP,
  CREATE_TRIAL,
  START_TRIAL,
  SET_TRIAL_BACKEND,
  REPORT,
  RECORD_CHECKPOINT,
  RESUME_FROM_CHECKPOINT,
  FINISH_TRIAL,
  PAUSE_TRIAL,
  RESUME_TRIAL,
  RETRY_TRIAL,
  END_TRIALS,
  APPEND_LOGS,
];

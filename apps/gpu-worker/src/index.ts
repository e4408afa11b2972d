/**
 * @rung/gpu-worker — the BullMQ worker that trains trials in child processes. The process entry
 * is `main.ts`; these exports are for tests and embedding.
 */
export { discoverGpus, type Gpu, parseNvidiaSmi } from './gpu-discovery.js';
export { Placement, type PlacementLease, type Slot } from './placement/placement.js';
export {
  listTrainers,
  UnknownTrainerError,
} from './trainers/registry.js';
export {
  type Trainer,
  TrainerConfigError,
  type TrainerContext,
  TrainingDivergedError,
  type TrainResult,
} from './trainers/trainer.js';
export { runTrialJob, type TrialJobDeps, type TrialJobResult } from './trial-job.js';
export {
  startTrialProcess,
  type TrialOutcome,
  type TrialProcess,
  type TrialProcessOptions,
} from './trial-process/trial-process.js';

/** Creating sweeps: validation (see validate-sweep.ts), the trainers workers bring, and storage. */
import { randomBytes } from 'node:crypto';
import {
  type ClusterLimits,
  RungError,
  SpecError,
  type SpecFormat,
  type SweepSpec,
  type SweepView,
} from '@rung/shared';
import { registeredTrainers, type Store, type TrainerInfo } from '@rung/store';
import type { SpecValidator } from './spec-validator.js';

/** `sw-` + 10 base-36 characters: never all digits, never a ':' (BullMQ job ids derive from it). */
export function newSweepId(): string {
  const n = randomBytes(8).readBigUInt64BE() % 36n ** 10n;
  return `sw-${n.toString(36).padStart(10, '0')}`;
}

export async function createSweep(
  store: Store,
  validator: SpecValidator,
  text: string,
  format: SpecFormat | undefined,
  now: number,
  limits: ClusterLimits,
  gpuHourPrice?: number,
): Promise<SweepView> {
  const { spec, warnings, sampler, trainerFromProgram } = await validator.validate(
    text,
    format,
    limits,
  );
  if (spec.budget?.cost !== undefined && gpuHourPrice === undefined) {
    throw new SpecError([
      {
        path: 'budget.cost',
        message:
          'this cluster sets no price per GPU-hour (RUNG_GPU_HOUR_PRICE): give budget.gpu_hours instead',
      },
    ]);
  }
  const trainers = await registeredTrainers(store, now);
  if (trainers.length === 0) {
    // The derived name is what `rung run` registers for a program, so a sweep submitted before
    // its workers' first heartbeat still finds its trainer.
    warnings.push({
      path: 'trainer.name',
      message: `no worker is connected yet, so '${spec.trainer.name}' could not be checked`,
    });
  } else if (spec.program !== undefined || spec.command !== undefined) {
    spec.trainer.name = trainerForProgram(spec, trainers, trainerFromProgram === true);
  } else if (!trainers.some((t) => t.name === spec.trainer.name)) {
    throw new RungError(
      'unknown_trainer',
      `trainer.name: no worker has registered a trainer named '${spec.trainer.name}' (registered: ${trainers.map((t) => t.name).join(', ')})`,
    );
  }
  // A trainer registered with resources (a model that needs a whole GPU) gives them to sweeps
  // that do not say.
  const registered = trainers.find((t) => t.name === spec.trainer.name)?.resources;
  if (spec.resources === undefined && registered !== undefined) {
    spec.resources = registered;
    warnings.push({
      path: 'resources',
      message: `from the workers' registration of '${spec.trainer.name}': ${JSON.stringify(registered)}`,
    });
  }
  const id = newSweepId();
  await store.createSweep({ id, spec, sampler, warnings, now });
  const sweep = await store.getSweep(id);
  if (!sweep) throw new RungError('internal', `sweep ${id} vanished after creation`);
  return sweep;
}

/**
 * The registered trainer a sweep's `program`/`command` runs with: one that runs that very program
 * with that very command (REST sweeps can run nothing a worker's operator did not register), and
 * the sweep's own trainer when it names one.
 * @throws RungError `unknown_trainer` naming the program, when no such trainer is registered
 */
function trainerForProgram(
  spec: SweepSpec,
  trainers: readonly TrainerInfo[],
  nameFromProgram: boolean,
): string {
  const runs = trainers.filter(
    (t) =>
      t.program === spec.program &&
      (spec.command === undefined || JSON.stringify(t.command) === JSON.stringify(spec.command)),
  );
  const match = nameFromProgram ? runs[0] : runs.find((t) => t.name === spec.trainer.name);
  if (match) return match.name;
  const what = spec.program === undefined ? 'this command' : `'${spec.program}'`;
  const how = spec.command === undefined ? '' : ' with this command';
  const path = spec.program === undefined ? 'command' : 'program';
  throw new RungError(
    'unknown_trainer',
    `${path}: no worker has registered a trainer that runs ${what}${how}${nameFromProgram ? '' : ` as '${spec.trainer.name}'`}: register it in the workers' rung-worker.yaml, or run the sweep file with 'rung run', which registers its program for its own workers`,
  );
}

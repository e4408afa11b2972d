/** Creating sweeps: validation (see validate-sweep.ts), the trainers workers bring, and storage. */
import { randomBytes } from 'node:crypto';
import { type ClusterLimits, RungError, type SpecFormat, type SweepView } from '@rung/shared';
import { registeredTrainers, type Store } from '@rung/store';
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
): Promise<SweepView> {
  const { spec, warnings, sampler } = await validator.validate(text, format, limits);
  const trainers = await registeredTrainers(store, now);
  if (trainers.length > 0 && !trainers.includes(spec.trainer.name)) {
    throw new RungError(
      'unknown_trainer',
      `trainer.name: no worker has registered a trainer named '${spec.trainer.name}' (registered: ${trainers.join(', ')})`,
    );
  }
  if (trainers.length === 0) {
    warnings.push({
      path: 'trainer.name',
      message: `no worker is connected yet, so '${spec.trainer.name}' could not be checked`,
    });
  }
  const id = newSweepId();
  await store.createSweep({ id, spec, sampler, warnings, now });
  const sweep = await store.getSweep(id);
  if (!sweep) throw new RungError('internal', `sweep ${id} vanished after creation`);
  return sweep;
}

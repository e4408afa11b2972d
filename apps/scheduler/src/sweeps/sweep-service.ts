/** Creating sweeps: validation, sampler choice and storage, shared by the REST routes. */
import { randomBytes } from 'node:crypto';
import { buildSpace, SOBOL_MAX_DIMENSION } from '@rung/search';
import { parseSweepText, RungError, SpecError, type SweepView } from '@rung/shared';
import type { RungStore } from '@rung/store';
import { resolveSampler, runCapOf } from '../scheduling/sampler-choice.js';

/** `sw-` + 10 base-36 characters: never all digits, never a ':' (BullMQ job ids derive from it). */
export function newSweepId(): string {
  const n = randomBytes(8).readBigUInt64BE() % 36n ** 10n;
  return `sw-${n.toString(36).padStart(10, '0')}`;
}

export async function createSweep(
  store: RungStore,
  text: string,
  format: 'json' | 'yaml' | undefined,
  now: number,
): Promise<SweepView> {
  const { spec, warnings } = parseSweepText(text, format);
  const space = buildSpace(spec.parameters);
  if (spec.method === 'sobol' && space.dimensions.length > SOBOL_MAX_DIMENSION) {
    // Refused here rather than failing every scheduling pass of a sweep that can never start.
    throw new SpecError([
      {
        path: 'method',
        message: `sobol handles at most ${SOBOL_MAX_DIMENSION} searched parameters; this sweep has ${space.dimensions.length}`,
      },
    ]);
  }
  const trainers = await store.registeredTrainers();
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
  const choice = resolveSampler(spec.method, space, runCapOf(spec, space));
  const id = newSweepId();
  await store.createSweep(id, spec, {
    sampler: choice.sampler,
    warnings: [...warnings, ...choice.warnings],
    now,
  });
  const sweep = await store.getSweep(id);
  if (!sweep) throw new RungError('internal', `sweep ${id} vanished after creation`);
  return sweep;
}

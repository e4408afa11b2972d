/** Creating sweeps: validation, the cluster's limits, sampler choice and storage. */
import { randomBytes } from 'node:crypto';
import { buildSpace, SOBOL_MAX_DIMENSION } from '@rung/search';
import {
  type ClusterLimits,
  parseSweepText,
  RungError,
  SpecError,
  type SpecIssue,
  type SweepView,
} from '@rung/shared';
import { registeredTrainers, type Store } from '@rung/store';
import { resolveSampler, runCapOf } from '../scheduling/sampler-choice.js';

/** `sw-` + 10 base-36 characters: never all digits, never a ':' (BullMQ job ids derive from it). */
export function newSweepId(): string {
  const n = randomBytes(8).readBigUInt64BE() % 36n ** 10n;
  return `sw-${n.toString(36).padStart(10, '0')}`;
}

export async function createSweep(
  store: Store,
  text: string,
  format: 'json' | 'yaml' | undefined,
  now: number,
  limits: ClusterLimits,
): Promise<SweepView> {
  const { spec, warnings } = parseSweepText(text, format);
  const space = buildSpace(spec.parameters);
  const issues: SpecIssue[] = [];
  if (spec.method === 'sobol' && space.dimensions.length > SOBOL_MAX_DIMENSION) {
    // Refused here rather than failing every scheduling pass of a sweep that can never start.
    issues.push({
      path: 'method',
      message: `sobol handles at most ${SOBOL_MAX_DIMENSION} searched parameters; this sweep has ${space.dimensions.length}`,
    });
  }
  if (spec.parallelism > limits.maxParallelism) {
    issues.push({
      path: 'parallelism',
      message: `must be at most ${limits.maxParallelism}, this cluster's limit (RUNG_MAX_PARALLELISM)`,
    });
  }
  const cap = runCapOf(spec, space);
  if (cap > limits.maxRunCap) {
    issues.push({
      path: 'run_cap',
      message:
        spec.run_cap === undefined
          ? `the grid has ${cap} combinations, more than this cluster's limit of ${limits.maxRunCap} trials a sweep (RUNG_MAX_RUN_CAP): set a run_cap`
          : `must be at most ${limits.maxRunCap}, this cluster's limit (RUNG_MAX_RUN_CAP)`,
    });
  }
  if (issues.length > 0) throw new SpecError(issues);
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
  const choice = resolveSampler(spec.method, space, cap);
  const id = newSweepId();
  await store.createSweep({
    id,
    spec,
    sampler: choice.sampler,
    warnings: [...warnings, ...choice.warnings],
    now,
  });
  const sweep = await store.getSweep(id);
  if (!sweep) throw new RungError('internal', `sweep ${id} vanished after creation`);
  return sweep;
}

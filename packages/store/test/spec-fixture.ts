import type { SweepSpec } from '@rung/shared';

/** A normalized spec, written out so these tests do not depend on the schema. */
export function parseSweepSpecForTest(): SweepSpec {
  return {
    method: 'random',
    metric: { name: 'val_loss', goal: 'minimize' },
    parameters: { x: { distribution: 'uniform', min: 0, max: 1 } },
    pruner: { type: 'none' },
    trainer: { name: 'mlp', options: {} },
    parallelism: 2,
    seed: 0,
  };
}

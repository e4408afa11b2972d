/** Rung's `pruner` key: the early-stopping rule, with Optuna's MedianPruner defaults. */
import { z } from 'zod';
import type { PrunerSpec } from '../sweep.js';

const unknownKey = (type: string) => (iss: z.core.$ZodRawIssue) =>
  iss.code === 'unrecognized_keys' ? `not allowed with pruner ${type}` : undefined;

const count = (min: number, fallback: number) => z.number().int().min(min).default(fallback);

/** Defaults of the median pruner (Optuna's MedianPruner). */
export const MEDIAN_PRUNER_DEFAULTS = {
  startup_trials: 5,
  warmup_steps: 0,
  interval_steps: 1,
  min_peers: 1,
} as const;

const medianShape = {
  type: z.literal('median'),
  startup_trials: count(0, MEDIAN_PRUNER_DEFAULTS.startup_trials),
  warmup_steps: count(0, MEDIAN_PRUNER_DEFAULTS.warmup_steps),
  interval_steps: count(1, MEDIAN_PRUNER_DEFAULTS.interval_steps),
  min_peers: count(1, MEDIAN_PRUNER_DEFAULTS.min_peers),
};

/** `{ type: 'none' }` or `{ type: 'median', ... }`; missing median options take their defaults. */
export const prunerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }, { error: unknownKey('none') }),
  z.strictObject(medianShape, { error: unknownKey('median') }),
]) satisfies z.ZodType<PrunerSpec, unknown>;

/** The `pruner` key as a spec writes it. */
export type PrunerInput = z.input<typeof prunerSchema>;

/** Every key a `pruner` object may hold, for "did you mean" hints. */
export const PRUNER_KEYS = Object.keys(medianShape);

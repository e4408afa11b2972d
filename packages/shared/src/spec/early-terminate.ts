/**
 * W&B's `early_terminate` (Hyperband stopping). Rung validates it as W&B does but has no
 * Hyperband pruner yet, so it becomes a median pruner that starts where Hyperband's first band
 * would, and the spec gets a warning saying so.
 */
import { z } from 'zod';
import type { PrunerSpec } from '../sweep.js';
import type { PendingWarning } from './issues.js';
import { MEDIAN_PRUNER_DEFAULTS } from './pruner.js';

const shape = {
  type: z.literal('hyperband'),
  /** First band: the step at which runs are first compared. */
  min_iter: z.number().int().min(1).optional(),
  /** Last band; with `s`, the bands are max_iter / eta^k for k = 1..s. */
  max_iter: z.number().int().min(1).optional(),
  /** Number of bands below max_iter. */
  s: z.number().int().min(1).optional(),
  eta: z.number().gt(1).default(3),
  strict: z.boolean().optional(),
};

/** W&B's hyperband `early_terminate` block, checked as W&B's schema and code check it. */
export const earlyTerminateSchema = z
  .strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys' ? 'not allowed with early_terminate hyperband' : undefined,
  })
  .superRefine((v, ctx) => {
    if (v.max_iter === undefined && v.min_iter === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'needs min_iter, or max_iter and s' });
    } else if (v.max_iter !== undefined && v.s === undefined) {
      ctx.addIssue({ code: 'custom', path: ['s'], message: 'required with max_iter' });
    } else if (v.max_iter !== undefined && v.max_iter / v.eta < 1) {
      ctx.addIssue({ code: 'custom', path: ['max_iter'], message: 'must be >= eta' });
    }
  });

/** `early_terminate` as a W&B sweep config writes it. */
export type EarlyTerminateInput = z.input<typeof earlyTerminateSchema>;

/** Every key an `early_terminate` object may hold, for "did you mean" hints. */
export const EARLY_TERMINATE_KEYS = Object.keys(shape);

/**
 * W&B's first band, the earliest step at which Hyperband stops a run: `min_iter`, or with
 * `max_iter` the smallest of ⌊max_iter / eta^k⌋ ≥ 1 for k = 1..s (W&B takes max_iter first).
 */
export function firstBand(et: z.output<typeof earlyTerminateSchema>): number {
  if (et.max_iter !== undefined) {
    let band = et.max_iter;
    let first = band;
    for (let k = 0; k < (et.s ?? 1); k++) {
      band /= et.eta;
      if (band < 1) break;
      first = Math.floor(band);
    }
    return first;
  }
  return et.min_iter ?? 1;
}

/** The pruner Rung runs for a W&B `early_terminate`, with the warning that says so. */
export function prunerFromEarlyTerminate(et: z.output<typeof earlyTerminateSchema>): {
  pruner: PrunerSpec;
  warning: PendingWarning;
} {
  const warmup = firstBand(et);
  return {
    pruner: { type: 'median', ...MEDIAN_PRUNER_DEFAULTS, warmup_steps: warmup },
    warning: {
      path: ['early_terminate'],
      message: `hyperband is not implemented yet; using the median pruner from step ${warmup} (its first band) instead`,
    },
  };
}

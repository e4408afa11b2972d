/**
 * W&B's `early_terminate` (Hyperband stopping), validated as W&B does and run as W&B runs it: the
 * `wandb_hyperband` rule over W&B's bands.
 */
import { z } from 'zod';
import type { PrunerSpec } from '../sweep.js';

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

/** W&B's band options: min_iter, or max_iter and s, with eta. */
export interface WandbBandOptions {
  min_iter?: number | undefined;
  max_iter?: number | undefined;
  s?: number | undefined;
  eta: number;
}

/** W&B's checks of its band options. */
export function checkBandOptions(v: WandbBandOptions, ctx: z.RefinementCtx): void {
  if (v.max_iter === undefined && v.min_iter === undefined) {
    ctx.addIssue({ code: 'custom', path: [], message: 'needs min_iter, or max_iter and s' });
  } else if (v.max_iter !== undefined && v.s === undefined) {
    ctx.addIssue({ code: 'custom', path: ['s'], message: 'required with max_iter' });
  } else if (v.max_iter !== undefined && v.max_iter / v.eta < 1) {
    ctx.addIssue({ code: 'custom', path: ['max_iter'], message: 'must be >= eta' });
  }
}

/** The band options' schema fields, shared with the `wandb_hyperband` pruner rule. */
export const BAND_FIELDS = {
  min_iter: shape.min_iter,
  max_iter: shape.max_iter,
  s: shape.s,
  eta: shape.eta,
};

/** W&B's hyperband `early_terminate` block, checked as W&B's schema and code check it. */
export const earlyTerminateSchema = z
  .strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys' ? 'not allowed with early_terminate hyperband' : undefined,
  })
  .superRefine(checkBandOptions);

/** `early_terminate` as a W&B sweep config writes it. */
export type EarlyTerminateInput = z.input<typeof earlyTerminateSchema>;

/** Every key an `early_terminate` object may hold, for "did you mean" hints. */
export const EARLY_TERMINATE_KEYS = Object.keys(shape);

/**
 * W&B's bands (wandb/sweeps, hyperband_stopping.py): `⌊max_iter / η^k⌋ ≥ 1` for k = 1..s, or
 * `min_iter · η^k` for k = 0..99 (W&B takes max_iter first), here only up to a billion steps: no
 * trial reports beyond, and the spec stays short.
 */
export function wandbBands(et: WandbBandOptions): number[] {
  const bands: number[] = [];
  if (et.max_iter !== undefined) {
    let band = et.max_iter;
    for (let k = 0; k < (et.s ?? 0); k++) {
      band /= et.eta;
      if (band < 1) break;
      bands.push(Math.floor(band));
    }
  } else {
    let band = et.min_iter ?? 1;
    for (let k = 0; k < 100 && band <= 1e9; k++) {
      bands.push(Math.floor(band));
      band *= et.eta;
    }
  }
  return [...new Set(bands)].sort((a, b) => a - b);
}

/** The pruner Rung runs for a W&B `early_terminate`: W&B's hyperband stopping, at its bands. */
export function prunerFromEarlyTerminate(et: z.output<typeof earlyTerminateSchema>): PrunerSpec {
  const { type: _, strict, ...bands } = et;
  return { type: 'wandb_hyperband', ...bands, strict: strict ?? false };
}

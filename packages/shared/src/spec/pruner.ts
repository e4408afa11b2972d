/**
 * Rung's `pruner` key: one early-stopping rule, or a list of rules that act together. Defaults
 * follow the peers each rule comes from (Optuna's pruners, Ray's ASHA, W&B's hyperband).
 */
import { z } from 'zod';
import type { PrunerRule, PrunerSpec } from '../sweep.js';
import { BAND_FIELDS, checkBandOptions } from './early-terminate.js';
import { specErrorMap } from './issues.js';

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

const quantileShape = {
  startup_trials: count(0, MEDIAN_PRUNER_DEFAULTS.startup_trials),
  warmup_steps: count(0, MEDIAN_PRUNER_DEFAULTS.warmup_steps),
  interval_steps: count(1, MEDIAN_PRUNER_DEFAULTS.interval_steps),
  min_peers: count(1, MEDIAN_PRUNER_DEFAULTS.min_peers),
};

const haShape = {
  min_steps: count(1, 1),
  max_steps: z.number().int().min(2).optional(),
  eta: z.number().gt(1).default(3),
  mode: z.enum(['promote', 'stop']).default('promote'),
  rank_by: z.enum(['value', 'extrapolated']).default('value'),
};

/** Hyperband's bracket count when not given: one per rung from min_steps up to max_steps. */
export function defaultBrackets(minSteps: number, maxSteps: number, eta: number): number {
  return Math.max(1, Math.floor(Math.log(maxSteps / minSteps) / Math.log(eta) + 1e-9) + 1);
}

function checkSteps(
  v: { min_steps: number; max_steps?: number | undefined },
  ctx: z.RefinementCtx,
) {
  if (v.max_steps !== undefined && v.max_steps <= v.min_steps) {
    ctx.addIssue({ code: 'custom', path: ['max_steps'], message: 'must be > min_steps' });
  }
}

const RULES = [
  z.strictObject({ type: z.literal('median'), ...quantileShape }, { error: unknownKey('median') }),
  z.strictObject(
    { type: z.literal('percentile'), percentile: z.number().min(0).max(100), ...quantileShape },
    { error: unknownKey('percentile') },
  ),
  z
    .strictObject(
      {
        type: z.literal('threshold'),
        lower: z.number().optional(),
        upper: z.number().optional(),
        warmup_steps: count(0, 0),
      },
      { error: unknownKey('threshold') },
    )
    .superRefine((v, ctx) => {
      if (v.lower === undefined && v.upper === undefined) {
        ctx.addIssue({ code: 'custom', path: [], message: 'needs lower, upper or both' });
      } else if (v.lower !== undefined && v.upper !== undefined && v.lower > v.upper) {
        ctx.addIssue({ code: 'custom', path: ['lower'], message: 'must be <= upper' });
      }
    }),
  z.strictObject(
    {
      type: z.literal('patience'),
      patience: z.number().int().min(0),
      min_delta: z.number().min(0).default(0),
    },
    { error: unknownKey('patience') },
  ),
  z
    .strictObject({ type: z.literal('asha'), ...haShape }, { error: unknownKey('asha') })
    .superRefine(checkSteps)
    .transform((v) => ({ ...v, brackets: 1 })),
  z
    .strictObject(
      { type: z.literal('hyperband'), ...haShape, brackets: z.number().int().min(1).optional() },
      { error: unknownKey('hyperband') },
    )
    .superRefine((v, ctx) => {
      checkSteps(v, ctx);
      if (v.brackets === undefined && v.max_steps === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['max_steps'],
          message: 'required unless brackets is given',
        });
      }
    })
    .transform((v) => ({
      ...v,
      brackets: v.brackets ?? defaultBrackets(v.min_steps, v.max_steps ?? 1, v.eta),
    })),
  z
    .strictObject(
      { type: z.literal('wandb_hyperband'), ...BAND_FIELDS, strict: z.boolean().default(false) },
      { error: unknownKey('wandb_hyperband') },
    )
    .superRefine(checkBandOptions),
] as const;

const ruleSchema = z.discriminatedUnion('type', [...RULES]);

/** Rules that compare a trial with its peers: a report answers one such question, so one of them. */
const PEER_RULES = new Set(['median', 'percentile', 'asha', 'hyperband', 'wandb_hyperband']);

const singleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }, { error: unknownKey('none') }),
  ...RULES,
]);

const listSchema = z
  .array(ruleSchema)
  .min(1)
  .superRefine((rules, ctx) => {
    const peers = rules.map((r, i) => [r.type, i] as const).filter(([t]) => PEER_RULES.has(t));
    if (peers.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [peers[1]![1]],
        message: `only one rule may compare trials with their peers; ${peers.map(([t]) => t).join(' and ')} both do`,
      });
    }
  })
  .transform((rules): PrunerSpec => (rules.length === 1 ? rules[0]! : { type: 'all', rules }));

/**
 * `{ type: 'none' }`, one rule, or a list of rules (the first that prunes wins). Missing options
 * take their defaults. A list and an object are told apart first, so errors name the right field.
 */
export const prunerSchema = z.unknown().transform((input, ctx): PrunerSpec => {
  const schema = Array.isArray(input) ? listSchema : singleSchema;
  const parsed = schema.safeParse(input, { error: specErrorMap });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    ctx.issues.push({ ...issue, input } as (typeof ctx.issues)[number]);
  }
  return z.NEVER;
}) satisfies z.ZodType<PrunerSpec, unknown>;

/** The `pruner` key as a spec writes it. */
export type PrunerInput = z.input<typeof prunerSchema>;

/** Every key a `pruner` object may hold, for "did you mean" hints. */
export const PRUNER_KEYS = [
  ...new Set([
    'type',
    ...Object.keys(quantileShape),
    'percentile',
    'lower',
    'upper',
    'patience',
    'min_delta',
    ...Object.keys(haShape),
    'brackets',
    'min_iter',
    'max_iter',
    's',
    'strict',
  ]),
];

/** The rules of a pruner spec, as a list. */
export function prunerRules(spec: PrunerSpec): PrunerRule[] {
  if (spec.type === 'none') return [];
  return spec.type === 'all' ? spec.rules : [spec];
}

/**
 * The sweep spec schema: accepts a W&B sweep config as is, plus Rung's own keys, and produces
 * the normalized `SweepSpec` with the warnings about what was accepted but not taken literally.
 */
import { z } from 'zod';
import { SpecError } from '../errors.js';
import {
  GPU_SHARES,
  type Method,
  type MetricSpec,
  type PrunerSpec,
  type SpecWarning,
  type SweepSpec,
} from '../sweep.js';
import { PARAMETER_KEYS } from './distributions.js';
import {
  EARLY_TERMINATE_KEYS,
  earlyTerminateSchema,
  prunerFromEarlyTerminate,
} from './early-terminate.js';
import { gridIssues } from './grid.js';
import { formatPath, type PendingWarning, specErrorMap, toSpecIssues } from './issues.js';
import { parametersDocSchema, parametersSchema } from './parameters.js';
import { PRUNER_KEYS, prunerSchema } from './pruner.js';
import { TRAINER_KEYS, trainerSchema } from './trainer.js';

/** Search methods: W&B's grid, random and bayes, and Rung's own. */
export const METHODS = [
  'grid',
  'random',
  'bayes',
  'sobol',
  'tpe',
  'gp',
] as const satisfies readonly Method[];

/** The metric optimized when a spec gives none (with a warning). */
export const DEFAULT_METRIC: MetricSpec = { name: 'val_loss', goal: 'minimize' };

/** Defaults of the top-level options. */
export const SWEEP_DEFAULTS = { parallelism: 4, seed: 0 } as const;

const metricShape = {
  name: z.string().min(1),
  goal: z.enum(['minimize', 'maximize']).default('minimize'),
  target: z.number().optional(),
  // W&B's imputation for bayes search; Rung leaves failed trials out of the model instead.
  impute: z.enum(['latest', 'best', 'worst']).optional(),
  impute_while_running: z.enum(['latest', 'best', 'worst', 'false']).optional(),
};

/** W&B keys that Rung accepts and ignores, with the warning each one gets. */
export const IGNORED_WANDB_KEYS = {
  entity: 'ignored: W&B entities have no meaning in Rung',
  project: 'ignored: W&B projects have no meaning in Rung',
  controller: "ignored: Rung's scheduler is always the controller",
  job: 'ignored: Rung runs registered trainers, not W&B Launch jobs',
  image_uri: 'ignored: Rung runs registered trainers, not container images',
  apiVersion: 'ignored: W&B-only key',
  kind: 'ignored: W&B-only key',
} as const;

/** W&B keys for features Rung does not have: an error with a reason, not just "unknown key". */
const UNSUPPORTED_WANDB_KEYS = {
  metrics: 'multi-objective sweeps are not supported; give one metric',
  scheduler: 'custom schedulers are not supported; choose a method',
};

const resourcesSchema = z.strictObject({
  gpus: z
    .number()
    .refine((g) => (GPU_SHARES as readonly number[]).includes(g), {
      message: `must be one of ${GPU_SHARES.join(', ')} (a share of one GPU, or whole GPUs)`,
    })
    .optional(),
  cpus: z.number().int().min(1).max(1024).optional(),
});

const budgetSchema = z
  .strictObject({
    gpu_hours: z.number().gt(0).optional(),
    cost: z.number().gt(0).optional(),
  })
  .refine((b) => b.gpu_hours !== undefined || b.cost !== undefined, {
    message: 'give gpu_hours, cost, or both',
  });

// One schema per key, so that each can carry its own description in the JSON Schema.
const ignored = () => z.unknown().optional();

/** The top-level keys, with the `parameters` schema given (the parsing one or the doc one). */
function sweepShape<P extends z.ZodType>(parameters: P) {
  return {
    name: z.string().optional(),
    description: z.string().optional(),
    method: z.enum(METHODS),
    metric: z.strictObject(metricShape).optional(),
    parameters,
    pruner: prunerSchema.optional(),
    early_terminate: earlyTerminateSchema.optional(),
    trainer: trainerSchema.optional(),
    resources: resourcesSchema.optional(),
    parallelism: z.number().int().min(1).default(SWEEP_DEFAULTS.parallelism),
    run_cap: z.number().int().min(1).optional(),
    max_duration: z.number().gt(0).optional(),
    max_retries: z.number().int().min(0).max(100).optional(),
    budget: budgetSchema.optional(),
    // The RNG mixes the seed as a 32-bit integer: larger seeds would alias smaller ones.
    seed: z.number().int().min(0).max(0xffff_ffff).default(SWEEP_DEFAULTS.seed),
    program: z.string().min(1).optional(),
    command: z.array(z.string().min(1)).min(1).optional(),
    entity: ignored(),
    project: ignored(),
    controller: ignored(),
    job: ignored(),
    image_uri: ignored(),
    apiVersion: ignored(),
    kind: ignored(),
  };
}

const sweepObject = z.strictObject(sweepShape(parametersSchema));

const isObject = (value: unknown) => typeof value === 'object' && value !== null;

/** A validated spec and the warnings about it. */
export interface ParsedSweep {
  spec: SweepSpec;
  warnings: SpecWarning[];
  /**
   * The spec names a program and no trainer: `spec.trainer.name` is only derived from the
   * program's file name, until the trainer a worker registered for the program takes its place.
   */
  trainerFromProgram?: true;
}

/**
 * The whole spec as one zod schema, input to `ParsedSweep`. Parse it with `parseSweepSpec`,
 * which adds Rung's messages and turns failures into a `SpecError`.
 */
export const sweepSpecSchema = sweepObject
  .superRefine(
    (v, ctx) => {
      if (v.pruner !== undefined && v.early_terminate !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['pruner'],
          message: 'give either pruner or early_terminate, not both',
        });
      }
      if (v.trainer === undefined && v.program === undefined && v.command === undefined) {
        // Never a silent default: the trials would run something the user did not choose.
        ctx.addIssue({
          code: 'custom',
          path: ['trainer'],
          message:
            "say what runs the trials: a trainer a worker registered (e.g. 'trainer: mlp'), or W&B's 'program: train.py'",
        });
      }
    },
    // Runs even when other fields failed, so that all issues come back at once.
    { when: (payload) => isObject(payload.value) },
  )
  .superRefine(
    (v, ctx) => {
      if (v.method === 'grid')
        for (const iss of gridIssues(v.parameters.specs)) ctx.addIssue({ ...iss });
    },
    // Needs the parsed parameters, but not a valid rest of the spec.
    {
      when: (payload) =>
        isObject(payload.value) && !payload.issues.some((iss) => iss.path?.[0] === 'parameters'),
    },
  )
  .transform(normalize);

function normalize(v: z.output<typeof sweepObject>, ctx: z.core.$RefinementCtx): ParsedSweep {
  // zod runs transforms past unknown-key issues (they do not abort), and then the parts that
  // failed (parameters) are not there to normalize; the result is discarded anyway.
  if (ctx.issues.length > 0) return z.NEVER;
  const warnings: PendingWarning[] = [];
  for (const [key, message] of Object.entries(IGNORED_WANDB_KEYS)) {
    if (v[key as keyof typeof IGNORED_WANDB_KEYS] !== undefined)
      warnings.push({ path: [key], message });
  }

  let metric: MetricSpec = { ...DEFAULT_METRIC };
  if (v.metric) {
    const { name, goal, target, impute, impute_while_running } = v.metric;
    metric = target === undefined ? { name, goal } : { name, goal, target };
    if (impute !== undefined) {
      warnings.push({ path: ['metric', 'impute'], message: 'ignored: failed trials are left out' });
    }
    if (impute_while_running !== undefined) {
      warnings.push({
        path: ['metric', 'impute_while_running'],
        message: 'ignored: running trials are treated as pending',
      });
    }
  } else {
    warnings.push({
      path: ['metric'],
      message: `no metric given; minimizing ${DEFAULT_METRIC.name}`,
    });
  }

  warnings.push(...v.parameters.warnings.map((w) => ({ ...w, path: ['parameters', ...w.path] })));

  let pruner: PrunerSpec = v.pruner ?? { type: 'none' };
  if (v.early_terminate) pruner = prunerFromEarlyTerminate(v.early_terminate);

  const spec: SweepSpec = {
    ...(v.name !== undefined && { name: v.name }),
    ...(v.description !== undefined && { description: v.description }),
    method: v.method,
    metric,
    parameters: v.parameters.specs,
    pruner,
    trainer: v.trainer ?? { name: trainerNameFor(v.program, v.command), options: {} },
    ...(v.program !== undefined && { program: v.program }),
    ...(v.command !== undefined && { command: v.command }),
    ...(v.resources !== undefined && { resources: v.resources }),
    parallelism: v.parallelism,
    ...(v.run_cap !== undefined && { run_cap: v.run_cap }),
    ...(v.max_duration !== undefined && { max_duration: v.max_duration }),
    ...(v.max_retries !== undefined && { max_retries: v.max_retries }),
    ...(v.budget !== undefined && { budget: v.budget }),
    seed: v.seed,
  };
  return {
    spec,
    warnings: warnings.map((w) => ({ path: formatPath(w.path), message: w.message })),
    ...(v.trainer === undefined && { trainerFromProgram: true as const }),
  };
}

/**
 * The trainer name a program gets when a sweep file names no trainer: the file's name in the
 * characters trainer names allow (`train.py` → `train-py`), so that the name `rung run` registers
 * for the program and the one the sweep carries agree.
 */
export function trainerNameFor(program: string | undefined, command?: readonly string[]): string {
  const base = (program ?? command?.find((c) => !c.startsWith('$')) ?? 'program')
    .split(/[\\/]/)
    .pop()!
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z]+/, '');
  return base || 'program';
}

/** Every key the spec knows at any level, for "did you mean" hints on unknown keys. */
const VOCABULARY = [
  ...Object.keys(sweepObject.shape),
  ...Object.keys(metricShape),
  ...PARAMETER_KEYS,
  ...PRUNER_KEYS,
  ...EARLY_TERMINATE_KEYS,
  ...TRAINER_KEYS,
];

/**
 * Validates a sweep spec (a W&B sweep config, or Rung's own keys) and normalizes it.
 *
 * @returns the normalized spec and the warnings about keys accepted but not taken literally.
 * @throws SpecError listing every problem, each with its dotted path; its message is the first
 *   (`parameters.lr.min: must be < max`). Nothing else is thrown, whatever `input` is.
 */
export function parseSweepSpec(input: unknown): ParsedSweep {
  let result: ReturnType<typeof sweepSpecSchema.safeParse>;
  try {
    result = sweepSpecSchema.safeParse(input, { error: specErrorMap });
  } catch (cause) {
    // Only exotic inputs get here (getters that throw, proxies): plain JSON or YAML data cannot.
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new SpecError([{ path: '(root)', message: `could not be read (${why})` }], { cause });
  }
  if (result.success) return result.data;
  throw new SpecError(toSpecIssues(result.error.issues, VOCABULARY, UNSUPPORTED_WANDB_KEYS));
}

/** The input schema described for documentation (OpenAPI); `sweepSpecSchema` validates. */
export const sweepConfigDocSchema = z.strictObject(sweepShape(parametersDocSchema));

/** A sweep spec as a user writes it: a W&B sweep config, plus Rung's keys. */
export type SweepConfig = z.input<typeof sweepConfigDocSchema>;

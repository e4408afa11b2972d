/**
 * A worker's own trainers, from its config file (`RUNG_WORKER_CONFIG`, YAML or JSON):
 *
 * ```yaml
 * trainers:
 *   train-py:                       # the name sweeps use, or that their `program` is matched to
 *     program: train.py             # relative to this file's folder (or cwd)
 *     command: ['${env}', '${interpreter}', '${program}', '${args}']   # W&B's, optional
 *     interpreter: python3          # optional; from the program's extension by default
 *     cwd: .                        # optional; this file's folder by default
 *     env: { OMP_NUM_THREADS: "4" }
 *     metric_regex: '(\w+)=([-+.\deE]+)'   # optional: name=value lines are metrics
 *     wandb_shim: true              # put Rung's wandb stand-in first on PYTHONPATH (default)
 *     stop_grace_seconds: 10        # SIGTERM → SIGKILL on prune/cancel
 *     resources: { gpus: 1 }        # what its trials need, unless a sweep says
 *   my-model:
 *     module: ./trainer.mjs         # a module exporting train(params, ctx)
 * ```
 *
 * Only the worker's operator writes this file: sweeps over REST can name these trainers, never
 * add one. @throws Error naming the file and the field, for a file that cannot be used.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GPU_SHARES, type ResourceSpec, TRAINER_NAME_PATTERN } from '@rung/shared';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { CommandSpec } from '../trainers/command/command-trainer.js';

/** A trainer the worker's config declares. */
export type ConfiguredTrainer = (
  | {
      kind: 'command';
      name: string;
      /** The program and command as written, which sweeps' `program`/`command` are matched to. */
      program?: string;
      command?: string[];
      spec: CommandSpec;
    }
  | { kind: 'module'; name: string; module: string }
) & {
  /** What its trials need; sweeps that do not say get these. */
  resources?: ResourceSpec;
};

const regex = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a valid regular expression' },
);

const trainerEntry = z
  .strictObject({
    program: z.string().min(1).optional(),
    command: z.array(z.string().min(1)).min(1).optional(),
    interpreter: z.string().min(1).optional(),
    cwd: z.string().min(1).optional(),
    env: z.record(z.string(), z.string()).optional(),
    metric_regex: regex.optional(),
    wandb_shim: z.boolean().optional(),
    stop_grace_seconds: z.number().positive().optional(),
    module: z.string().min(1).optional(),
    resources: z
      .strictObject({
        gpus: z
          .number()
          .refine((g) => (GPU_SHARES as readonly number[]).includes(g), {
            message: `must be one of ${GPU_SHARES.join(', ')}`,
          })
          .optional(),
        cpus: z.number().int().min(1).max(1024).optional(),
      })
      .optional(),
  })
  .refine(
    (t) => (t.module !== undefined) !== (t.program !== undefined || t.command !== undefined),
    {
      message: 'give either program/command or module',
    },
  );

const configSchema = z.strictObject({
  trainers: z.record(
    z.string().regex(TRAINER_NAME_PATTERN, {
      message: 'trainer names start with a lower-case letter and hold only a-z, 0-9, _ and -',
    }),
    trainerEntry,
  ),
});

/** Reads and checks a worker config file; paths in it are resolved against its folder. */
export function loadWorkerConfig(file: string, builtIn: readonly string[]): ConfiguredTrainer[] {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`worker config ${file}: ${(err as Error).message}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // A bad key's own message is nested one level down (zod's invalid_key issue).
    const nested = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
    throw new Error(
      `worker config ${file}: ${issue.path.join('.') || '(file)'}: ${nested ?? issue.message}`,
    );
  }
  const dir = path.dirname(path.resolve(file));
  return Object.entries(parsed.data.trainers).map(([name, t]): ConfiguredTrainer => {
    if (builtIn.includes(name)) {
      throw new Error(`worker config ${file}: trainers.${name}: is the name of a built-in trainer`);
    }
    const resources = t.resources && { resources: t.resources };
    if (t.module !== undefined)
      return { kind: 'module', name, module: path.resolve(dir, t.module), ...resources };
    const spec: CommandSpec = { cwd: path.resolve(dir, t.cwd ?? '.') };
    if (t.program !== undefined) spec.program = t.program;
    if (t.command !== undefined) spec.command = t.command;
    if (t.interpreter !== undefined) spec.interpreter = t.interpreter;
    if (t.env !== undefined) spec.env = t.env;
    if (t.metric_regex !== undefined) spec.metricRegex = t.metric_regex;
    if (t.wandb_shim !== undefined) spec.wandbShim = t.wandb_shim;
    if (t.stop_grace_seconds !== undefined) spec.stopGraceMs = t.stop_grace_seconds * 1000;
    return {
      kind: 'command',
      name,
      ...(t.program !== undefined && { program: t.program }),
      ...(t.command !== undefined && { command: t.command }),
      spec,
      ...resources,
    };
  });
}

/**
 * The worker's trainers from its config files — a `RUNG_WORKER_CONFIG` list, separated like PATH
 * (`rung run` and `rung up --sweep-dir` add the programs they register to the user's own file
 * this way) — and its `--trainer` flags.
 * @throws Error when a file or flag cannot be used, or two of them declare the same trainer
 */
export function loadWorkerTrainers(
  configList: string,
  flags: readonly string[],
  builtIn: readonly string[],
): ConfiguredTrainer[] {
  const from = new Map<string, string>();
  const trainers: ConfiguredTrainer[] = [];
  const add = (where: string, found: ConfiguredTrainer[]) => {
    for (const trainer of found) {
      const earlier = from.get(trainer.name);
      if (earlier !== undefined) {
        throw new Error(`${where}: trainer ${trainer.name} is already declared in ${earlier}`);
      }
      from.set(trainer.name, where);
      trainers.push(trainer);
    }
  };
  for (const file of configList.split(path.delimiter).filter(Boolean)) {
    add(`worker config ${file}`, loadWorkerConfig(file, builtIn));
  }
  for (const flag of flags) {
    add(`--trainer ${flag}`, trainersFromFlags([flag], process.cwd(), builtIn));
  }
  return trainers;
}

/**
 * Trainers from the worker's command line: `--trainer NAME=PATH`, repeated. A `.mjs`, `.js` or
 * `.cjs` file is a module trainer, anything else a program run as W&B's agent would (from its
 * folder, `${interpreter} ${program} ${args}`). Paths are relative to `cwd`.
 * @throws Error naming the flag that cannot be used
 */
export function trainersFromFlags(
  values: readonly string[],
  cwd: string,
  builtIn: readonly string[],
): ConfiguredTrainer[] {
  return values.map((value): ConfiguredTrainer => {
    const at = value.indexOf('=');
    const name = value.slice(0, at);
    const file = value.slice(at + 1);
    if (at < 1 || file === '') throw new Error(`--trainer ${value}: write NAME=PATH`);
    if (!TRAINER_NAME_PATTERN.test(name)) {
      throw new Error(
        `--trainer ${value}: trainer names start with a lower-case letter and hold only a-z, 0-9, _ and -`,
      );
    }
    if (builtIn.includes(name)) {
      throw new Error(`--trainer ${value}: ${name} is the name of a built-in trainer`);
    }
    const full = path.resolve(cwd, file);
    if (/\.(mjs|js|cjs)$/.test(file)) return { kind: 'module', name, module: full };
    const program = path.basename(full);
    return { kind: 'command', name, program, spec: { cwd: path.dirname(full), program } };
  });
}

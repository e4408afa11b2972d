/**
 * What the search benchmark optimizes: a test function over a sweep-spec parameters block.
 *
 * A user objective is an ES module whose default export has this shape, so the same file can
 * describe a benchmark and (through its `parameters`) a real sweep's search space.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ParameterSpecs, Params } from '@rung/search';
import { parseSweepSpec, SpecError } from '@rung/shared';
import { BUILTIN_OBJECTIVES } from './objectives/index.js';

/** Trials per seed when an objective names no budget and the command line gives no `--trials`. */
export const DEFAULT_BUDGET = 100;

export interface Objective {
  /** Name shown in results; built-ins match the Optuna baseline's keys. */
  readonly name: string;
  /**
   * The search space: a sweep spec's `parameters` block, normalized (every distribution named,
   * as `parseSweepSpec` leaves it). Modules may write it as in a sweep file, W&B inference
   * included; {@link assertObjective} normalizes it.
   */
  readonly parameters: ParameterSpecs;
  /** What the sweep-spec parser said about the module's parameters block (inferred, ignored). */
  readonly warnings?: readonly string[];
  readonly goal: 'minimize' | 'maximize';
  /** The known best value; without it the benchmark reports the best value found, not regret. */
  readonly optimum?: number;
  /** Default trials per seed. @defaultValue {@link DEFAULT_BUDGET} */
  readonly budget?: number;
  /**
   * The objective at one point. A non-finite result counts as a failed trial (samplers see it
   * as `failed`); a throw aborts the benchmark, since it means the objective itself is broken.
   */
  evaluate(params: Params): number;
}

/**
 * Checks the shape of a loaded objective module's default export, so a bad module fails at load
 * with the field it got wrong rather than as a NaN deep inside a run, and normalizes its
 * `parameters` block exactly as a submitted sweep's is (W&B's inference rules, e.g. `values`
 * alone is categorical and integer `min`/`max` is `int_uniform`), so the same block means the
 * same space in a benchmark and in a sweep.
 * @param value the module's default export
 * @param source where it came from, for the error message
 */
export function assertObjective(value: unknown, source: string): Objective {
  const fail = (why: string): never => {
    throw new Error(`${source}: ${why}`);
  };
  if (value === null || typeof value !== 'object') fail('default export must be an object');
  const o = value as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name === '') fail('`name` must be a non-empty string');
  if (o.parameters === null || typeof o.parameters !== 'object') {
    fail('`parameters` must be a sweep-spec parameters object');
  }
  if (o.goal !== 'minimize' && o.goal !== 'maximize') {
    fail("`goal` must be 'minimize' or 'maximize'");
  }
  if (o.optimum !== undefined && !Number.isFinite(o.optimum)) {
    fail('`optimum` must be a finite number when given');
  }
  if (o.budget !== undefined && !(Number.isInteger(o.budget) && (o.budget as number) >= 1)) {
    fail('`budget` must be a positive integer when given');
  }
  if (typeof o.evaluate !== 'function') fail('`evaluate(params)` must be a function');
  const { parameters, warnings } = normalizeParameters(o.parameters, o.goal as string, fail);
  return { ...(value as Objective), parameters, warnings };
}

/** The block as `parseSweepSpec` normalizes it, with its warnings; every issue on failure. */
function normalizeParameters(
  block: unknown,
  goal: string,
  fail: (why: string) => never,
): { parameters: ParameterSpecs; warnings: string[] } {
  try {
    // Only the parameters matter here; the trainer is named because a spec must say what runs.
    const parsed = parseSweepSpec({
      method: 'random',
      metric: { name: 'objective', goal },
      trainer: 'objective',
      parameters: block,
    });
    return {
      parameters: parsed.spec.parameters,
      warnings: [
        ...parsed.warnings.map((w) => `${w.path}: ${w.message}`),
        ...inferredIntegers(block, parsed.spec.parameters, 'parameters'),
      ],
    };
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    return fail(error.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

/**
 * Warnings for ranges inferred as `int_uniform` from integer bounds. In YAML `min: 0.0` stays a
 * float (as in W&B's Python), but JavaScript has no such literal: `{ min: -5.0, max: 5.0 }` in a
 * module is `{ min: -5, max: 5 }`, which W&B's rule makes an integer range, likely by mistake.
 */
function inferredIntegers(raw: unknown, specs: ParameterSpecs, path: string): string[] {
  const out: string[] = [];
  const block = raw as Record<string, Record<string, unknown>>;
  for (const [name, spec] of Object.entries(specs)) {
    const given = block[name];
    if ('parameters' in spec) {
      out.push(
        ...inferredIntegers(given?.parameters, spec.parameters, `${path}.${name}.parameters`),
      );
    } else if (spec.distribution === 'int_uniform' && given?.distribution === undefined) {
      out.push(
        `${path}.${name}: integer min and max make an int_uniform range (JavaScript writes 5.0 as 5); add distribution: 'uniform' for a continuous one`,
      );
    }
  }
  return out;
}

/**
 * A built-in objective by name, or an objective module by path (resolved against `cwd`).
 * Anything that looks like a file (a path separator or a script extension) is loaded as one.
 */
export async function loadObjective(arg: string, cwd = process.cwd()): Promise<Objective> {
  if (Object.hasOwn(BUILTIN_OBJECTIVES, arg)) return BUILTIN_OBJECTIVES[arg]!;
  if (!/[\\/]|\.(m?js|ts|mts)$/.test(arg)) {
    const names = Object.keys(BUILTIN_OBJECTIVES).join(', ');
    throw new Error(`unknown objective "${arg}": use one of ${names}, or a path to a .mjs module`);
  }
  const file = isAbsolute(arg) ? arg : resolve(cwd, arg);
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return assertObjective(module.default, file);
}

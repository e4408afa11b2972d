/**
 * What the search benchmark optimizes: a test function over a sweep-spec parameters block.
 *
 * A user objective is an ES module whose default export has this shape, so the same file can
 * describe a benchmark and (through its `parameters`) a real sweep's search space.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ParameterSpecs, Params } from '@rung/search';
import { BUILTIN_OBJECTIVES } from './objectives/index.js';

/** Trials per seed when an objective names no budget and the command line gives no `--trials`. */
export const DEFAULT_BUDGET = 100;

export interface Objective {
  /** Name shown in results; built-ins match the Optuna baseline's keys. */
  readonly name: string;
  /** Normalized sweep-spec parameters (W&B style): the search space. */
  readonly parameters: ParameterSpecs;
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
 * with the field it got wrong rather than as a NaN deep inside a run.
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
  return value as Objective;
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

/**
 * The `trainer` key: which registered trainer runs the trials. A name only, never a command:
 * REST sweeps cannot run programs of their own; untrusted input never reaches a shell.
 */
import { z } from 'zod';
import type { TrainerSpec } from '../sweep.js';
import { describeValue, type PathSegment } from './issues.js';

/** Trainer names as workers register them. */
export const TRAINER_NAME_PATTERN = /^[a-z][a-z0-9_-]*$/;

const trainerName = z.string().regex(TRAINER_NAME_PATTERN, {
  error: 'must start with a lower-case letter and hold only a-z, 0-9, _ and -',
});

// Options travel to Redis and to the trainer as JSON, so they must be JSON data (YAML can give
// NaN, binary buffers or cyclic aliases, none of which survive JSON.stringify).
const MAX_OPTIONS_DEPTH = 32;

function jsonProblem(
  value: unknown,
  path: PathSegment[],
): { path: PathSegment[]; why: string } | undefined {
  if (path.length > MAX_OPTIONS_DEPTH)
    return { path, why: `nests deeper than ${MAX_OPTIONS_DEPTH}` };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : { path, why: `got ${describeValue(value)}` };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = jsonProblem(value[i], [...path, i]);
      if (problem) return problem;
    }
    return undefined;
  }
  const proto = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    for (const [key, item] of Object.entries(value as object)) {
      const problem = jsonProblem(item, [...path, key]);
      if (problem) return problem;
    }
    return undefined;
  }
  return {
    path,
    why: `got ${typeof value === 'object' ? 'an object that is not plain data' : `a ${typeof value}`}`,
  };
}

const optionsSchema = z
  .record(z.string(), z.unknown())
  .superRefine((options, ctx) => {
    const problem = jsonProblem(options, []);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        path: problem.path,
        message: `must be JSON data (${problem.why})`,
      });
    }
  })
  .default({});

const trainerObject = z.strictObject({ name: trainerName, options: optionsSchema });

/** A trainer name, or `{ name, options }`; normalized to `{ name, options }`. */
export const trainerSchema = z
  .union([trainerName, trainerObject], {
    error: (iss) =>
      iss.code === 'invalid_union' ? 'expected a trainer name or { name, options }' : undefined,
  })
  .transform((t): TrainerSpec => (typeof t === 'string' ? { name: t, options: {} } : t));

/** Every key a `trainer` object may hold, for "did you mean" hints. */
export const TRAINER_KEYS = Object.keys(trainerObject.shape);

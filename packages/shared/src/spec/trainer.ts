/**
 * The `trainer` key: which registered trainer runs the trials. A name only, never a command:
 * REST sweeps cannot run programs of their own; untrusted input never reaches a shell.
 */
import { z } from 'zod';
import type { TrainerSpec } from '../sweep.js';
import { jsonProblem } from './json-data.js';

/** Trainer names as workers register them. */
export const TRAINER_NAME_PATTERN = /^[a-z][a-z0-9_-]*$/;

const trainerName = z.string().regex(TRAINER_NAME_PATTERN, {
  error: 'must start with a lower-case letter and hold only a-z, 0-9, _ and -',
});

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

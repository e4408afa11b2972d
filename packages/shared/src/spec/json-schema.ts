/** The sweep spec's JSON Schema, for the OpenAPI document. */
import { z } from 'zod';
import { parametersDocSchema } from './parameters.js';
import { IGNORED_WANDB_KEYS, sweepConfigDocSchema } from './sweep-schema.js';

// A registry of our own rather than `.meta()`: ids in zod's global registry must be unique per
// process, which a second copy of this module (tests, dist + src) would break.
const docs = z.registry<{ id?: string; title?: string; description?: string }>();
docs.add(sweepConfigDocSchema, {
  title: 'SweepConfig',
  description: "A W&B sweep config as is, plus Rung's keys (pruner, trainer, parallelism, …).",
});
docs.add(parametersDocSchema, {
  id: 'SweepParameters',
  description: 'Named parameters: a distribution each, or { parameters } for a nested group.',
});
docs.add(sweepConfigDocSchema.shape.program, {
  description:
    "W&B's program: the script each trial runs, relative to the sweep file. Runs with the trainer a worker registered for it (`rung run` registers it for its own workers).",
});
docs.add(sweepConfigDocSchema.shape.command, {
  description:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: W&B's command macros, verbatim.
    "W&B's command: how the program runs, with W&B's macros (default `${env} ${interpreter} ${program} ${args}`).",
});
for (const [key, why] of Object.entries(IGNORED_WANDB_KEYS)) {
  const schema = sweepConfigDocSchema.shape[key as keyof typeof IGNORED_WANDB_KEYS];
  docs.add(schema, { description: `W&B key, accepted and ${why}` });
}

/**
 * JSON Schema (draft 2020-12) of the sweep spec as users write it: every key, type, enum and
 * default. Cross-field rules (min < max, grid needs finite parameters, …) are checked by
 * `parseSweepSpec` only.
 */
export const sweepSpecJsonSchema = z.toJSONSchema(sweepConfigDocSchema, {
  io: 'input',
  unrepresentable: 'any',
  metadata: docs,
});

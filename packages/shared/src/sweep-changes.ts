/**
 * What `PATCH /v1/sweeps/:id` may change while a sweep runs: how many trials at once, how many in
 * all, how long, and the metric's target. Everything else (the space, the method, the rule) shapes
 * what has run already, so it stays as submitted.
 */
import type { SweepSpec } from './sweep.js';

export interface SweepChanges {
  parallelism?: number;
  run_cap?: number;
  /** Seconds from the sweep's creation; null removes the limit. */
  max_duration?: number | null;
  /** The metric's target; null removes it. */
  target?: number | null;
}

/** The spec with the changes made (a new object; `spec` is left as it was). */
export function applySweepChanges(spec: SweepSpec, changes: SweepChanges): SweepSpec {
  const next: SweepSpec = { ...spec, metric: { ...spec.metric } };
  if (changes.parallelism !== undefined) next.parallelism = changes.parallelism;
  if (changes.run_cap !== undefined) next.run_cap = changes.run_cap;
  if (changes.max_duration === null) delete next.max_duration;
  else if (changes.max_duration !== undefined) next.max_duration = changes.max_duration;
  if (changes.target === null) delete next.metric.target;
  else if (changes.target !== undefined) next.metric.target = changes.target;
  return next;
}

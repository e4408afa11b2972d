/**
 * Everything a submitted sweep is checked for that needs no store: its text parsed and validated
 * by the one sweep schema, the cluster's limits, and its sampler chosen. Pure and CPU-bound (a
 * 1 MB spec takes over a second), so the server runs it in a worker thread (spec-validator.ts).
 */
import { buildSpace, SOBOL_MAX_DIMENSION } from '@rung/search';
import {
  type ClusterLimits,
  parseSweepText,
  SpecError,
  type SpecFormat,
  type SpecIssue,
  type SpecWarning,
  type SweepSpec,
} from '@rung/shared';
import { resolveSampler, runCapOf } from '../scheduling/sampler-choice.js';

export interface ValidatedSweep {
  spec: SweepSpec;
  /** What was accepted but not taken literally. */
  warnings: SpecWarning[];
  /** The sampler the sweep will use (what `method: bayes` resolved to). */
  sampler: string;
  /** The trainer's name is only derived from the sweep's program (see `ParsedSweep`). */
  trainerFromProgram?: true;
}

/** @throws SpecError naming every problem, each with its path */
export function validateSweep(
  text: string,
  format: SpecFormat | undefined,
  limits: ClusterLimits,
): ValidatedSweep {
  const { spec, warnings, trainerFromProgram } = parseSweepText(text, format);
  const space = buildSpace(spec.parameters);
  const issues: SpecIssue[] = [];
  if (space.dimensions.length > limits.maxParameters) {
    issues.push({
      path: 'parameters',
      message: `${space.dimensions.length} searched parameters, more than this cluster's limit of ${limits.maxParameters} (RUNG_MAX_PARAMETERS)`,
    });
  }
  if (spec.method === 'sobol' && space.dimensions.length > SOBOL_MAX_DIMENSION) {
    // Refused here rather than failing every scheduling pass of a sweep that can never start.
    issues.push({
      path: 'method',
      message: `sobol handles at most ${SOBOL_MAX_DIMENSION} searched parameters; this sweep has ${space.dimensions.length}`,
    });
  }
  if (spec.parallelism > limits.maxParallelism) {
    issues.push({
      path: 'parallelism',
      message: `must be at most ${limits.maxParallelism}, this cluster's limit (RUNG_MAX_PARALLELISM)`,
    });
  }
  const cap = runCapOf(spec, space);
  if (cap > limits.maxRunCap) {
    issues.push({
      path: 'run_cap',
      message:
        spec.run_cap === undefined
          ? `the grid has ${countOf(cap)} combinations, more than this cluster's limit of ${limits.maxRunCap} trials a sweep (RUNG_MAX_RUN_CAP): set a run_cap`
          : `must be at most ${limits.maxRunCap}, this cluster's limit (RUNG_MAX_RUN_CAP)`,
    });
  }
  if (issues.length > 0) throw new SpecError(issues);
  const sampler = resolveSampler(spec.method, space, cap);
  return { spec, warnings, sampler, ...(trainerFromProgram && { trainerFromProgram }) };
}

/** A count as people read it: exact while small, then in scientific notation (a grid of 1e90). */
function countOf(n: number): string {
  if (!Number.isFinite(n)) return 'more than 1e308';
  return n < 1e15 ? String(n) : n.toExponential(2).replace('e+', 'e');
}

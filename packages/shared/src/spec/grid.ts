/** `method: grid` enumerates every parameter, so each one must have finitely many values. */
import { buildSpace, MAX_GRID_VALUES, type ParameterSpecs } from '@rung/search';
import type { z } from 'zod';

/** Issues (paths from the spec root) for the parameters a grid cannot enumerate. */
export function gridIssues(specs: ParameterSpecs): z.core.$ZodIssue[] {
  const issues: z.core.$ZodIssue[] = [];
  const space = buildSpace(specs);
  for (const dim of space.dimensions) {
    // A group's parameter a.b sits at parameters.a.parameters.b (a dotted name at parameters."a.b").
    const path = space.pathOf(dim.name).flatMap((name) => ['parameters', name]);
    if (dim.kind === 'categorical') {
      if (dim.probabilities) {
        issues.push({
          code: 'custom',
          path: [...path, 'probabilities'],
          message: 'grid search tries every value once: probabilities have no meaning there',
        });
      }
      continue;
    }
    if (dim.gridValues !== undefined) {
      // Values are kept to 12 significant digits: a q finer than that makes neighbours equal.
      if (!dim.gridValues.every((v) => dim.decode(dim.encode(v)) === v)) {
        issues.push({
          code: 'custom',
          path: [...path, 'q'],
          message:
            'too fine for values of this size: grid values keep 12 significant digits, which this q does not survive; raise q',
        });
      }
      continue;
    }
    issues.push({
      code: 'custom',
      path,
      // A bounded discrete range is listable in principle; it is just too long to be a search.
      message: isDiscrete(dim.spec.distribution)
        ? `grid search lists at most ${MAX_GRID_VALUES} values per parameter`
        : 'grid search needs values, an int_uniform range or a q_* distribution',
    });
  }
  return issues;
}

/** Distributions whose values a grid can list when the range is small enough. */
function isDiscrete(distribution: string): boolean {
  return (
    distribution === 'int_uniform' ||
    distribution === 'q_uniform' ||
    distribution === 'q_log_uniform' ||
    distribution === 'q_log_uniform_values'
  );
}

/** `method: grid` enumerates every parameter, so each one must have finitely many values. */
import { buildSpace, MAX_GRID_VALUES, type ParameterSpecs } from '@rung/search';
import type { z } from 'zod';

/** Issues (paths from the spec root) for the parameters a grid cannot enumerate. */
export function gridIssues(specs: ParameterSpecs): z.core.$ZodIssue[] {
  const issues: z.core.$ZodIssue[] = [];
  for (const dim of buildSpace(specs).dimensions) {
    if (dim.kind !== 'numeric' || dim.gridValues !== undefined) continue;
    // Dimension names are dotted paths through groups: a.b is parameters.a.parameters.b.
    const path = dim.name.split('.').flatMap((name) => ['parameters', name]);
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

/**
 * JSON data: what trainer options and parameter values may hold. They travel to Redis, to the
 * trainer and to programs as JSON, so YAML's NaN, binary buffers or cyclic aliases (none of which
 * survive JSON.stringify) are refused where they are written.
 */
import { describeValue, type PathSegment } from './issues.js';

const MAX_DEPTH = 32;

/** The first place in `value` that is not JSON data, and why; undefined when it all is. */
export function jsonProblem(
  value: unknown,
  path: PathSegment[],
): { path: PathSegment[]; why: string } | undefined {
  if (path.length > MAX_DEPTH) return { path, why: `nests deeper than ${MAX_DEPTH}` };
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

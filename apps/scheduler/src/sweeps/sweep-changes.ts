/**
 * The body of `PATCH /v1/sweeps/:id`, checked as a submission would be: the fields a running sweep
 * may change (`SweepChanges`), each within the cluster's limits, every problem named by its path.
 */
import { type ClusterLimits, SpecError, type SpecIssue, type SweepChanges } from '@rung/shared';

const FIELDS = ['parallelism', 'run_cap', 'max_duration', 'metric'] as const;

const isPositiveInteger = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1;

/** @throws SpecError naming every problem, each with its path */
export function parseSweepChanges(body: unknown, limits: ClusterLimits): SweepChanges {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SpecError([
      { path: '(document)', message: `a JSON object of ${FIELDS.join(', ')} to change` },
    ]);
  }
  const raw = body as Record<string, unknown>;
  const issues: SpecIssue[] = [];
  const changes: SweepChanges = {};
  for (const key of Object.keys(raw)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      issues.push({
        path: key,
        message: `cannot be changed while a sweep runs (these can: ${FIELDS.join(', ')})`,
      });
    }
  }
  const counts = [
    ['parallelism', limits.maxParallelism, 'RUNG_MAX_PARALLELISM'],
    ['run_cap', limits.maxRunCap, 'RUNG_MAX_RUN_CAP'],
  ] as const;
  for (const [field, max, variable] of counts) {
    const v = raw[field];
    if (v === undefined) continue;
    if (!isPositiveInteger(v)) issues.push({ path: field, message: 'must be an integer ≥ 1' });
    else if (v > max) {
      issues.push({
        path: field,
        message: `must be at most ${max}, this cluster's limit (${variable})`,
      });
    } else changes[field] = v;
  }
  if (raw.max_duration !== undefined) {
    const v = raw.max_duration;
    if (v === null) changes.max_duration = null;
    else if (typeof v === 'number' && Number.isFinite(v) && v > 0) changes.max_duration = v;
    else issues.push({ path: 'max_duration', message: 'must be seconds > 0, or null for none' });
  }
  if (raw.metric !== undefined) {
    const metric = raw.metric as Record<string, unknown> | null;
    if (typeof metric !== 'object' || metric === null || Array.isArray(metric)) {
      issues.push({ path: 'metric', message: 'must be an object: { target }' });
    } else {
      for (const key of Object.keys(metric)) {
        if (key !== 'target') {
          issues.push({
            path: `metric.${key}`,
            message: 'cannot be changed while a sweep runs (metric.target can)',
          });
        }
      }
      const t = metric.target;
      if (t === null) changes.target = null;
      else if (typeof t === 'number' && Number.isFinite(t)) changes.target = t;
      else if (t !== undefined) {
        issues.push({ path: 'metric.target', message: 'must be a number, or null for none' });
      }
    }
  }
  if (issues.length === 0 && Object.keys(changes).length === 0) {
    issues.push({
      path: '(document)',
      message: `nothing to change: give any of ${FIELDS.join(', ')}`,
    });
  }
  if (issues.length > 0) throw new SpecError(issues);
  return changes;
}

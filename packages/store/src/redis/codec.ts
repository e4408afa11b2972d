/** How the Redis store's hashes and stream entries read back as sweeps, trials and events. */
import type { Params, Point, PruneReason } from '@rung/search';
import {
  type Attempt,
  type Report,
  type SpecWarning,
  type SweepEvent,
  type SweepSpec,
  type SweepState,
  type SweepView,
  sweepCompute,
  TRIAL_STATES,
  type Trial,
  type TrialCheckpoint,
  type TrialState,
} from '@rung/shared';
import { trialId } from '../keys.js';

export function countsOf(raw: Record<string, string>): Record<TrialState, number> {
  return Object.fromEntries(TRIAL_STATES.map((s) => [s, Number(raw[s] ?? 0)])) as Record<
    TrialState,
    number
  >;
}

export function toSweepView(
  id: string,
  h: Record<string, string>,
  counts: Record<string, string>,
): SweepView {
  const spec = JSON.parse(h.spec!) as SweepSpec;
  const view: SweepView = {
    id,
    state: h.state as SweepState,
    spec,
    sampler: h.sampler!,
    warnings: JSON.parse(h.warnings ?? '[]') as SpecWarning[],
    counts: countsOf(counts),
    trials: Number(h.nextTrial ?? 0),
    compute: sweepCompute(
      Number(counts.stepsRun ?? 0),
      Number(counts.trialsRun ?? 0),
      Number(counts.lastStep ?? 0),
    ),
    gpuSeconds: Number(h.gpuSeconds ?? 0),
    createdAt: Number(h.createdAt),
  };
  if (spec.name) view.name = spec.name;
  if (h.stopReason) view.stopReason = h.stopReason;
  if (h.finishedAt) view.finishedAt = Number(h.finishedAt);
  return view;
}

export function toTrial(
  sweepId: string,
  number: number,
  h: Record<string, string>,
  reports: Record<string, string>,
): Trial {
  const trial: Trial = {
    id: trialId(sweepId, number),
    sweepId,
    number,
    state: h.state as TrialState,
    params: JSON.parse(h.params ?? '{}') as Params,
    point: JSON.parse(h.point ?? '[]') as Point,
    reports: reportsOf(reports),
    attempt: Number(h.attempt ?? 0),
    createdAt: Number(h.createdAt),
  };
  if (h.value !== undefined) trial.value = Number(h.value);
  if (h.lastStep !== undefined) trial.lastStep = Number(h.lastStep);
  if (h.pruneReason) trial.pruneReason = JSON.parse(h.pruneReason) as PruneReason;
  if (h.pauseReason) trial.pauseReason = JSON.parse(h.pauseReason) as PruneReason;
  if (h.error) trial.error = h.error;
  if (h.workerId) trial.workerId = h.workerId;
  if (h.jobId) trial.jobId = h.jobId;
  if (h.backend) trial.backend = h.backend;
  if (h.gpus) trial.gpus = JSON.parse(h.gpus) as number[];
  if (h.gpuSeconds) trial.gpuSeconds = Number(h.gpuSeconds);
  if (h.peakGpuMemoryMiB) trial.peakGpuMemoryMiB = Number(h.peakGpuMemoryMiB);
  if (h.retries) trial.retries = Number(h.retries);
  if (h.startedAt) trial.startedAt = Number(h.startedAt);
  if (h.readyAt) trial.readyAt = Number(h.readyAt);
  if (h.finishedAt) trial.finishedAt = Number(h.finishedAt);
  const checkpoint = checkpointOf([
    h.checkpointPath,
    h.checkpointStep,
    h.checkpointAttempt,
    h.checkpointAt,
  ]);
  if (checkpoint) trial.checkpoint = checkpoint;
  return trial;
}

/** A trial's checkpoint from its fields (path, step, attempt, at), when it has one. */
export function checkpointOf(
  fields: readonly (string | null | undefined)[],
): TrialCheckpoint | undefined {
  const [path, step, attempt, at] = fields;
  if (!path || step == null || attempt == null) return undefined;
  return { path, step: Number(step), attempt: Number(attempt), at: Number(at ?? 0) };
}

/** A reports hash (step → `{ metrics, at }`) as reports in step order. */
export function reportsOf(raw: Record<string, string>): Report[] {
  return Object.entries(raw)
    .map(([step, json]) => {
      const { metrics, at } = JSON.parse(json) as { metrics: Record<string, number>; at: number };
      return { step: Number(step), metrics, at };
    })
    .sort((a, b) => a.step - b.step);
}

/** One attempt from the attempts hash (`${attempt}:${field}`) and its reports. */
export function attemptOf(
  attempt: number,
  meta: Record<string, string>,
  reports: Record<string, string>,
): Attempt {
  const view: Attempt = {
    attempt,
    workerId: meta[`${attempt}:workerId`] ?? '',
    startedAt: Number(meta[`${attempt}:startedAt`] ?? 0),
    reports: reportsOf(reports),
  };
  const endedBy = meta[`${attempt}:endedBy`];
  if (endedBy) view.endedBy = endedBy as NonNullable<Attempt['endedBy']>;
  const endedAt = meta[`${attempt}:endedAt`];
  if (endedAt) view.endedAt = Number(endedAt);
  const error = meta[`${attempt}:error`];
  if (error) view.error = error;
  return view;
}

/** A field of a stream entry's flat [name, value, …] list. */
export function fieldOf(fields: string[], name: string): string {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1]!;
  return '';
}

export function parseEntry(sweepId: string, id: string, fields: string[]): SweepEvent {
  const data = JSON.parse(fieldOf(fields, 'data') || '{}') as Record<string, unknown>;
  return {
    ...data,
    type: fieldOf(fields, 'type'),
    id,
    seq: Number(fieldOf(fields, 'seq')),
    at: Number(fieldOf(fields, 'at')),
    sweepId,
  } as SweepEvent;
}

/** A number as a sorted-set score: Redis spells infinities `+inf` and `-inf`. */
export function toScore(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  return String(value);
}

/** A score Redis returned (`inf`, `-inf` or a decimal) as a number. */
export function fromScore(score: string | number | undefined): number {
  if (score === undefined) return Number.NaN;
  if (typeof score === 'number') return score;
  if (score === 'inf' || score === '+inf') return Number.POSITIVE_INFINITY;
  if (score === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(score);
}

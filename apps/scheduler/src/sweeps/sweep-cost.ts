/**
 * What a sweep cost: GPU-hours (and CPU-hours for trials that ran without a GPU), what early
 * stopping saved, how long — in wall time and in compute — it took to come within x% of its
 * final best (MLPerf's time-to-train idea), and the money at the prices given. Pure: from the
 * sweep and its trials (with their attempts where a trial had more than one), at `now`.
 */
import {
  isBetter,
  type Prices,
  type SweepCost,
  type SweepView,
  type Trial,
  toLoss,
} from '@rung/shared';

const PERCENTS = [1, 5, 10];

/**
 * Seconds a trial has run: every attempt, from its start to its end (the last one to the trial's
 * end, or now), when the trial carries its attempts; else its current attempt.
 */
function runSeconds(t: Trial, now: number): number {
  if (t.startedAt === undefined) return 0;
  const last = (t.finishedAt ?? now) - t.startedAt;
  const earlier = (t.attempts ?? [])
    .filter((a) => a.attempt < t.attempt)
    .reduce((ms, a) => ms + Math.max(0, (a.endedAt ?? a.startedAt) - a.startedAt), 0);
  return Math.max(0, last + earlier) / 1000;
}

export function sweepCost(
  sweep: SweepView,
  trials: readonly Trial[],
  now: number,
  prices: Prices = {},
): SweepCost {
  const ran = trials.filter((t) => t.startedAt !== undefined);
  const onGpu = (t: Trial) => (t.gpuSeconds ?? 0) > 0 || (t.gpus?.length ?? 0) > 0;
  const gpuHours = ran.reduce((h, t) => h + (t.gpuSeconds ?? 0), 0) / 3600;
  const cpuHours = ran.filter((t) => !onGpu(t)).reduce((h, t) => h + runSeconds(t, now), 0) / 3600;
  const { stepsRun, stepsFull, saved } = sweep.compute;
  const usedHours = gpuHours > 0 ? gpuHours : cpuHours;
  const savedHours = stepsRun > 0 ? ((stepsFull - stepsRun) * usedHours) / stepsRun : 0;

  const goal = sweep.spec.metric.goal;
  const completed = trials
    .filter((t) => t.state === 'completed' && t.value !== undefined && t.finishedAt !== undefined)
    .sort((a, b) => a.finishedAt! - b.finishedAt!);
  const toWithin: SweepCost['toWithin'] = [];
  if (completed.length > 0) {
    const best = completed.reduce(
      (b, t) => (isBetter(t.value!, b, goal) ? t.value! : b),
      completed[0]!.value!,
    );
    for (const percent of PERCENTS) {
      // Within x% of the best, in the goal's direction (|best| scales it; 0 is reached exactly).
      const reach = toLoss(best, goal) + (Math.abs(best) * percent) / 100;
      const first = completed.find((t) => toLoss(t.value!, goal) <= reach);
      if (!first) continue;
      const done = ran.filter(
        (t) => t.finishedAt !== undefined && t.finishedAt <= first.finishedAt!,
      );
      const computeHours =
        done.reduce((h, t) => h + (onGpu(t) ? (t.gpuSeconds ?? 0) : runSeconds(t, now)), 0) / 3600;
      toWithin.push({
        percent,
        wallSeconds: (first.finishedAt! - sweep.createdAt) / 1000,
        computeHours,
      });
    }
  }

  const cost: SweepCost = {
    sweepId: sweep.id,
    state: sweep.state,
    trialsRun: ran.length,
    wallSeconds: Math.max(0, ((sweep.finishedAt ?? now) - sweep.createdAt) / 1000),
    gpuHours,
    cpuHours,
    savedHours,
    savedShare: saved,
    toWithin,
  };
  if (prices.gpuHour !== undefined || prices.cpuHour !== undefined) {
    const gpu = prices.gpuHour ?? 0;
    const cpu = prices.cpuHour ?? 0;
    cost.money = {
      spent: gpuHours * gpu + cpuHours * cpu,
      saved: savedHours * (gpuHours > 0 ? gpu : cpu),
      prices,
    };
  }
  return cost;
}

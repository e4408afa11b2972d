/** `rung cost <id>`: what a sweep cost and what early stopping saved. */
import type { SweepCost } from '@rung/shared';
import { apiClientFor } from '../api-client.js';
import { stringOption, UsageError } from '../args.js';
import type { Io } from '../io.js';
import type { CommandValues } from './types.js';

function price(values: CommandValues, name: string): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const p = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(p) || p < 0) {
    throw new UsageError(`--${name} ${raw}: a price per hour, a number ≥ 0`, 'cost');
  }
  return p;
}

/** Seconds as people read a duration: `42 s`, `17 min`, `3 h 05 min`. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function costLines(cost: SweepCost): string[] {
  const unit = cost.gpuHours > 0 ? 'GPU-hours' : 'CPU-hours';
  const used = cost.gpuHours > 0 ? cost.gpuHours : cost.cpuHours;
  const lines = [
    `Sweep ${cost.sweepId} ${cost.state}: ${cost.trialsRun} trials ran over ${duration(cost.wallSeconds)}`,
    `  used:  ${cost.gpuHours.toFixed(2)} GPU-hours, ${cost.cpuHours.toFixed(2)} CPU-hours`,
    `  saved by early stopping: ${cost.savedHours.toFixed(2)} ${unit} (${(cost.savedShare * 100).toFixed(0)}% of the steps; ${(used + cost.savedHours).toFixed(2)} without it)`,
  ];
  for (const w of cost.toWithin) {
    lines.push(
      `  within ${w.percent}% of the best: after ${duration(w.wallSeconds)}, ${w.computeHours.toFixed(2)} ${unit}`,
    );
  }
  if (cost.money) {
    const { gpuHour, cpuHour } = cost.money.prices;
    const at = [
      gpuHour !== undefined ? `${gpuHour} a GPU-hour` : '',
      cpuHour !== undefined ? `${cpuHour} a CPU-hour` : '',
    ].filter(Boolean);
    lines.push(
      `  cost:  ${cost.money.spent.toFixed(2)} at ${at.join(' and ')} (early stopping saved ${cost.money.saved.toFixed(2)})`,
    );
  }
  return lines;
}

export async function costCommand(
  values: CommandValues,
  positionals: readonly string[],
  io: Io,
): Promise<number> {
  const gpuPrice = price(values, 'gpu-price');
  const cpuPrice = price(values, 'cpu-price');
  const client = apiClientFor(stringOption(values, 'api'), io.env);
  const cost = await client.sweepCost(positionals[0]!, {
    ...(gpuPrice !== undefined && { gpuPrice }),
    ...(cpuPrice !== undefined && { cpuPrice }),
  });
  io.out.write(
    values['json'] === true
      ? `${JSON.stringify(cost, null, 2)}\n`
      : `${costLines(cost).join('\n')}\n`,
  );
  return 0;
}

/** `rung pause|resume|set`: steer a running sweep. */
import { apiClientFor } from '../api-client.js';
import { stringOption, UsageError } from '../args.js';
import type { Io } from '../io.js';
import { describeCounts } from '../render/sweep-views.js';
import type { CommandValues } from './types.js';

export async function pauseCommand(
  values: CommandValues,
  positionals: readonly string[],
  io: Io,
): Promise<number> {
  const client = apiClientFor(stringOption(values, 'api'), io.env);
  const trials = values['checkpoint'] === true ? 'checkpoint' : 'finish';
  const sweep = await client.pauseSweep(positionals[0]!, trials);
  const running =
    trials === 'checkpoint' ? 'running trials stop at their next report' : 'running trials finish';
  io.out.write(`Sweep ${sweep.id} ${sweep.state} (${running}): ${describeCounts(sweep)}\n`);
  return 0;
}

export async function resumeCommand(
  values: CommandValues,
  positionals: readonly string[],
  io: Io,
): Promise<number> {
  const client = apiClientFor(stringOption(values, 'api'), io.env);
  const sweep = await client.resumeSweep(positionals[0]!);
  io.out.write(`Sweep ${sweep.id} ${sweep.state}: ${describeCounts(sweep)}\n`);
  return 0;
}

/** `name=value` arguments as the PATCH body; `none` (or `null`) removes max_duration or target. */
export function parseSettings(args: readonly string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`'${arg}': write name=value, e.g. parallelism=8`, 'set');
    const name = arg.slice(0, eq);
    const raw = arg.slice(eq + 1);
    const value = raw === 'none' || raw === 'null' ? null : Number(raw);
    if (value !== null && (raw.trim() === '' || !Number.isFinite(value))) {
      throw new UsageError(`${name}=${raw}: not a number`, 'set');
    }
    if (name === 'target' || name === 'metric.target') body.metric = { target: value };
    else body[name] = value;
  }
  return body;
}

export async function setCommand(
  values: CommandValues,
  positionals: readonly string[],
  io: Io,
): Promise<number> {
  const [id, ...settings] = positionals;
  const body = parseSettings(settings);
  const client = apiClientFor(stringOption(values, 'api'), io.env);
  const sweep = await client.changeSweep(id!, body);
  const { parallelism, run_cap, max_duration, metric } = sweep.spec;
  const show = (v: number | undefined) => (v === undefined ? 'none' : String(v));
  io.out.write(
    `Sweep ${sweep.id} ${sweep.state}: parallelism ${parallelism}, run_cap ${show(run_cap)}, ` +
      `max_duration ${show(max_duration)}, target ${show(metric.target)}\n`,
  );
  return 0;
}

/** `rung logs <id> <trial> [--follow] [--attempt K]`: a trial's output. */
import { setTimeout as sleep } from 'node:timers/promises';
import { apiClientFor } from '../api-client.js';
import { intOption, stringOption } from '../args.js';
import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import type { CommandValues } from './types.js';

/** How often `--follow` asks for new lines. */
const FOLLOW_MS = 500;

/**
 * Prints the lines (stderr's too, in order) and, with `--follow`, new ones until the trial is no
 * longer queued or running. Exit code 0; 130 when interrupted while following.
 */
export async function logsCommand(
  values: CommandValues,
  positionals: readonly string[],
  io: Io,
): Promise<number> {
  const [id, trialArg] = positionals as [string, string];
  const number = Number(trialArg);
  if (!Number.isInteger(number) || number < 0) {
    throw new CliError(`trial must be a trial number (0, 1, …), got '${trialArg}'`);
  }
  const attempt =
    values['attempt'] === undefined ? undefined : intOption(values, 'attempt', 1, 1, 1e6, 'logs');
  const client = apiClientFor(stringOption(values, 'api'), io.env);
  const interrupts = values['follow'] === true ? io.trapInterrupts() : undefined;
  try {
    let after = 0;
    for (;;) {
      const page = await client.trialLogs(id, number, {
        after,
        ...(attempt !== undefined && { attempt }),
      });
      if (page.dropped > 0) io.out.write(`… (${page.dropped} earlier lines no longer kept)\n`);
      for (const line of page.lines) io.out.write(`${line.text}\n`);
      after = page.next;
      if (!interrupts) return 0;
      if (page.lines.length > 0) continue;
      const trial = await client.getTrial(id, number);
      const current = attempt === undefined || attempt === trial.attempt;
      if (!current || !['queued', 'running', 'paused'].includes(trial.state)) {
        // One last read: lines written just before the end.
        const rest = await client.trialLogs(id, number, {
          after,
          ...(attempt !== undefined && { attempt }),
        });
        for (const line of rest.lines) io.out.write(`${line.text}\n`);
        return 0;
      }
      try {
        await sleep(FOLLOW_MS, undefined, { signal: interrupts.interrupt });
      } catch {
        return 130;
      }
    }
  } finally {
    interrupts?.release();
  }
}

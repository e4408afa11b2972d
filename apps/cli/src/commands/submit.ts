/** `rung submit <file> [--wait] [--api URL]`: send a sweep file to the API. */
import { apiClientFor } from '../api-client.js';
import { stringOption } from '../args.js';
import type { Io } from '../io.js';
import { readSweepFile } from '../sweep-file.js';
import { followSweep, printSubmitted } from './follow.js';
import type { CommandValues } from './types.js';

/** Submits the file; with `--wait`, follows the sweep to its end (exit code as {@link followSweep}). */
export async function submitCommand(
  values: CommandValues,
  positionals: readonly string[],
  io: Io,
): Promise<number> {
  const file = readSweepFile(positionals[0]!);
  const client = apiClientFor(stringOption(values, 'api'), io.env);
  const sweep = await client.submitSweep(file.text, file.format);
  printSubmitted(sweep, io);
  if (values['wait'] !== true) {
    io.out.write(`Follow it with: npx rung status ${sweep.id}\n`);
    return 0;
  }
  const interrupts = io.trapInterrupts();
  try {
    const outcome = await followSweep(client, sweep, io, interrupts.interrupt);
    if (outcome.kind === 'finished') return outcome.code;
    io.err.write(
      `\nStopped watching. Sweep ${sweep.id} keeps running: npx rung status ${sweep.id}\n`,
    );
    return 130;
  } finally {
    interrupts.release();
  }
}

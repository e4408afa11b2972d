/** `rung cancel <id>`: stop a sweep; its running trials are cancelled. */
import { apiClientFor } from '../api-client.js';
import { stringOption } from '../args.js';
import type { Io } from '../io.js';
import { describeCounts } from '../render/sweep-views.js';
import type { CommandValues } from './types.js';

/** Asks the API to cancel the sweep and prints the state it answers with. */
export async function cancelCommand(
  values: CommandValues,
  positionals: readonly string[],
  io: Io,
): Promise<number> {
  const client = apiClientFor(stringOption(values, 'api'), io.env);
  const sweep = await client.cancelSweep(positionals[0]!);
  io.out.write(`Sweep ${sweep.id} ${sweep.state}: ${describeCounts(sweep)}\n`);
  return 0;
}

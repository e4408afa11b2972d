/** `rung status [id] [--json]`: every sweep, or one sweep with its trials. */
import { apiClientFor } from '../api-client.js';
import { stringOption } from '../args.js';
import type { Io } from '../io.js';
import { sweepDetails, sweepsTable, trialsTable } from '../render/sweep-views.js';
import type { CommandValues } from './types.js';

/** Prints the sweeps table, or one sweep's details and trials table; `--json` prints the API's data. */
export async function statusCommand(
  values: CommandValues,
  positionals: readonly string[],
  io: Io,
  now: () => number = Date.now,
): Promise<number> {
  const client = apiClientFor(stringOption(values, 'api'), io.env);
  const id = positionals[0];
  if (id === undefined) {
    const sweeps = await client.listSweeps();
    io.out.write(
      values['json'] === true
        ? `${JSON.stringify({ sweeps }, null, 2)}\n`
        : `${sweepsTable(sweeps).join('\n')}\n`,
    );
    return 0;
  }
  const [sweep, trials] = await Promise.all([client.getSweep(id), client.listTrials(id)]);
  if (values['json'] === true) {
    io.out.write(`${JSON.stringify({ sweep, trials }, null, 2)}\n`);
    return 0;
  }
  io.out.write(
    `${sweepDetails(sweep, now()).join('\n')}\n\n${trialsTable(trials, sweep).join('\n')}\n`,
  );
  return 0;
}

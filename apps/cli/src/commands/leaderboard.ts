/** `rung leaderboard <id> [--limit N] [--json]`: a sweep's best trials. */
import { apiClientFor } from '../api-client.js';
import { intOption, stringOption } from '../args.js';
import type { Io } from '../io.js';
import { leaderboardTable } from '../render/sweep-views.js';
import type { CommandValues } from './types.js';

/** Prints rank, trial, value, state and parameters of the best `--limit` trials. */
export async function leaderboardCommand(
  values: CommandValues,
  positionals: readonly string[],
  io: Io,
): Promise<number> {
  const limit = intOption(values, 'limit', 10, 1, 1000, 'leaderboard');
  const client = apiClientFor(stringOption(values, 'api'), io.env);
  const board = await client.leaderboard(positionals[0]!, limit);
  io.out.write(
    values['json'] === true
      ? `${JSON.stringify(board, null, 2)}\n`
      : `${leaderboardTable(board).join('\n')}\n`,
  );
  return 0;
}

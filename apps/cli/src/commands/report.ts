/**
 * `rung report <id> [-o report.html]`: one HTML file with the dashboard's code and the sweep's
 * overview and cost inlined — it opens from disk, with no server and no network, for a paper, a
 * review or a ticket.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { reportHtml } from '@rung/dashboard';
import { apiClientFor } from '../api-client.js';
import { stringOption } from '../args.js';
import type { Io } from '../io.js';
import type { CommandValues } from './types.js';

export async function reportCommand(
  values: CommandValues,
  positionals: readonly string[],
  io: Io,
): Promise<number> {
  const id = positionals[0]!;
  const client = apiClientFor(stringOption(values, 'api'), io.env);
  const [overview, cost] = await Promise.all([client.sweepOverview(id), client.sweepCost(id, {})]);
  // Relative to where the user ran it (npm exec runs commands in the package's folder).
  const path = resolve(
    io.env.INIT_CWD ?? process.cwd(),
    stringOption(values, 'out') ?? `${id}.html`,
  );
  const html = await reportHtml({ overview, cost, writtenAt: Date.now() });
  await writeFile(path, html);
  io.out.write(
    `Wrote ${path} (${(html.length / 1e6).toFixed(1)} MB): sweep ${id}, ${overview.sweep.trials} trials, ${overview.curves.series.length} learning curves\n`,
  );
  return 0;
}

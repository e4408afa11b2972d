/**
 * W&B's local flow: `rung run sweep.yaml` beside `train.py` just works. When a sweep file names a
 * `program` (or a `command`), the CLI registers it for the workers it starts itself — in a worker
 * config (see the worker's config/worker-config.ts) under the name the sweep derives from the
 * program, run from the sweep file's folder. Only the user's own CLI does this, for its own
 * workers: a sweep sent over REST can never add a program.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseSweepText, trainerNameFor } from '@rung/shared';
import type { SweepFile } from './sweep-file.js';

/**
 * Writes the worker config that registers the file's program into `stateDir`, and returns its
 * path; undefined when the file names no program or command (or cannot be parsed: the API will
 * say why when it is submitted).
 */
export function registerSweepProgram(
  sweepFile: string,
  file: SweepFile,
  stateDir: string,
): string | undefined {
  let parsed: ReturnType<typeof parseSweepText>;
  try {
    parsed = parseSweepText(file.text, file.format);
  } catch {
    return undefined;
  }
  const { program, command, trainer } = parsed.spec;
  if (program === undefined && command === undefined) return undefined;
  const name = parsed.trainerFromProgram ? trainerNameFor(program, command) : trainer.name;
  const config = {
    trainers: {
      [name]: {
        ...(program !== undefined && { program }),
        ...(command !== undefined && { command }),
        cwd: path.dirname(path.resolve(sweepFile)),
      },
    },
  };
  mkdirSync(stateDir, { recursive: true });
  const configFile = path.resolve(stateDir, 'worker-trainers.json');
  // JSON is YAML: the worker reads either.
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  return configFile;
}

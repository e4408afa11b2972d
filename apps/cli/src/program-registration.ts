/**
 * W&B's local flow: `rung run sweep.yaml` beside `train.py` just works, and `rung up --sweep-dir
 * sweeps/` serves every sweep file of a folder. When a sweep file names a `program` (or a
 * `command`), the CLI registers it for the workers it starts itself — in a worker config (see the
 * worker's config/worker-config.ts) under the name the sweep derives from the program, run from
 * the sweep file's folder. Only the user's own CLI does this, for its own workers: a sweep sent
 * over REST can never add a program.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseSweepText, trainerNameFor } from '@rung/shared';
import { readSweepFile, type SweepFile } from './sweep-file.js';

/** A worker config's entry for one program. */
interface ProgramEntry {
  program?: string;
  command?: string[];
  cwd: string;
}

/** What registering a folder's sweep files did. */
export interface Registration {
  /** The worker config written; undefined when no file names a program. */
  configFile?: string;
  /** Trainer name → the sweep file that registered it. */
  registered: Map<string, string>;
  /** Sweep files whose program could not be registered, and why. */
  skipped: { file: string; reason: string }[];
}

/**
 * The trainer a sweep file's program runs as, or undefined when it names no program or command
 * (or cannot be parsed: the API says why when it is submitted).
 */
function programOf(sweepFile: string, file: SweepFile): [string, ProgramEntry] | undefined {
  let parsed: ReturnType<typeof parseSweepText>;
  try {
    parsed = parseSweepText(file.text, file.format);
  } catch {
    return undefined;
  }
  const { program, command, trainer } = parsed.spec;
  if (program === undefined && command === undefined) return undefined;
  const name = parsed.trainerFromProgram ? trainerNameFor(program, command) : trainer.name;
  return [
    name,
    {
      ...(program !== undefined && { program }),
      ...(command !== undefined && { command }),
      cwd: path.dirname(path.resolve(sweepFile)),
    },
  ];
}

/**
 * Registers the programs of `files` (path → contents) in a worker config written into
 * `stateDir`. Two files registering one name differently (two `train.py` in two folders) cannot
 * both be served: the first is kept, the other skipped with the reason.
 */
export function registerSweepPrograms(
  files: ReadonlyMap<string, SweepFile>,
  stateDir: string,
): Registration {
  const trainers: Record<string, ProgramEntry> = {};
  const registered = new Map<string, string>();
  const skipped: Registration['skipped'] = [];
  for (const [sweepFile, file] of files) {
    const found = programOf(sweepFile, file);
    if (!found) continue;
    const [name, entry] = found;
    const known = trainers[name];
    if (known && JSON.stringify(known) !== JSON.stringify(entry)) {
      skipped.push({
        file: sweepFile,
        reason: `its trainer '${name}' is already the program of ${registered.get(name)}, from ${known.cwd}`,
      });
      continue;
    }
    trainers[name] = entry;
    if (!registered.has(name)) registered.set(name, sweepFile);
  }
  if (registered.size === 0) return { registered, skipped };
  mkdirSync(stateDir, { recursive: true });
  const configFile = path.resolve(stateDir, 'worker-trainers.json');
  // JSON is YAML: the worker reads either.
  writeFileSync(configFile, `${JSON.stringify({ trainers }, null, 2)}\n`);
  return { configFile, registered, skipped };
}

/** Registers one sweep file's program; the worker config's path, or undefined. */
export function registerSweepProgram(
  sweepFile: string,
  file: SweepFile,
  stateDir: string,
): string | undefined {
  return registerSweepPrograms(new Map([[sweepFile, file]]), stateDir).configFile;
}

/**
 * The sweep files in `dir` and its subfolders (`.yaml`, `.yml`, `.json`), skipping hidden
 * folders and `node_modules`, by path.
 */
export function sweepFilesIn(dir: string): Map<string, SweepFile> {
  const files = new Map<string, SweepFile>();
  const visit = (folder: string) => {
    const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') visit(full);
      } else if (/\.(ya?ml|json)$/i.test(entry.name)) {
        try {
          files.set(full, readSweepFile(full));
        } catch {
          // Empty or unreadable: not a sweep file to serve.
        }
      }
    }
  };
  visit(dir);
  return files;
}

/**
 * The workers' environment with `configFile` added to the configs they read
 * (`RUNG_WORKER_CONFIG`, a list), so a user's own config is kept.
 */
export function withWorkerConfig(
  env: NodeJS.ProcessEnv,
  configFile: string | undefined,
): NodeJS.ProcessEnv {
  if (!configFile) return env;
  const own = env.RUNG_WORKER_CONFIG;
  return {
    ...env,
    RUNG_WORKER_CONFIG: own ? `${own}${path.delimiter}${configFile}` : configFile,
  };
}

/**
 * The `rung` command: parses argv, runs one command, and turns its errors into messages and exit
 * codes (0 ok, 1 failed, 2 usage, 130 interrupted).
 */
import { readFileSync } from 'node:fs';
import { ApiError, ApiUnreachableError } from './api-client.js';
import { type CommandName, type Invocation, parseArgv, UsageError, usage } from './args.js';
import type { CommandValues } from './commands/types.js';
import { CliError } from './errors.js';
import { type Io, processIo } from './io.js';

type Command = (values: CommandValues, positionals: readonly string[], io: Io) => Promise<number>;

/** Each command's module, loaded on demand: `rung status` need not load the cluster code. */
const COMMAND_MODULES: Record<CommandName, () => Promise<Command>> = {
  up: async () => {
    const { upCommand } = await import('./commands/up.js');
    return (values, positionals, io) => upCommand(values, positionals, io);
  },
  run: async () => {
    const { runCommand } = await import('./commands/run.js');
    return (values, positionals, io) => runCommand(values, positionals, io);
  },
  submit: async () => (await import('./commands/submit.js')).submitCommand,
  status: async () => {
    const { statusCommand } = await import('./commands/status.js');
    return (values, positionals, io) => statusCommand(values, positionals, io);
  },
  leaderboard: async () => (await import('./commands/leaderboard.js')).leaderboardCommand,
  logs: async () => (await import('./commands/logs.js')).logsCommand,
  cancel: async () => (await import('./commands/cancel.js')).cancelCommand,
  pause: async () => (await import('./commands/steer.js')).pauseCommand,
  resume: async () => (await import('./commands/steer.js')).resumeCommand,
  set: async () => (await import('./commands/steer.js')).setCommand,
  cost: async () => (await import('./commands/cost.js')).costCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
  token: async () => (await import('./commands/token.js')).tokenCommand,
};

/** Runs `rung <argv…>` and resolves with the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseArgv(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err.write(`rung: ${err.message}\n\n${usage(err.command)}`);
    return 2;
  }
  if (invocation.kind === 'help') {
    io.out.write(usage(invocation.command));
    return 0;
  }
  if (invocation.kind === 'version') {
    io.out.write(`${version()}\n`);
    return 0;
  }
  try {
    const command = await COMMAND_MODULES[invocation.command]();
    return await command(invocation.values, invocation.positionals, io);
  } catch (err) {
    return reportError(err, invocation.command, io);
  }
}

/** Writes `err` for a person and returns the exit code it deserves. */
export function reportError(err: unknown, command: CommandName, io: Io): number {
  if (err instanceof UsageError) {
    io.err.write(`rung: ${err.message}\n\n${usage(err.command ?? command)}`);
    return 2;
  }
  if (err instanceof ApiError) {
    io.err.write(`${formatApiError(err)}\n`);
    return 1;
  }
  if (err instanceof ApiUnreachableError || err instanceof CliError) {
    io.err.write(`${err.message}\n`);
    return 1;
  }
  // An unexpected error is a bug: its stack helps whoever reports it.
  io.err.write(
    `rung ${command} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return 1;
}

/** The API's message, then each issue it listed that the message does not already say. */
export function formatApiError(err: ApiError): string {
  const head = err.status === 404 ? `not found: ${err.message}` : err.message;
  const issues = err.issues
    .map((i) => `${i.path}: ${i.message}`)
    .filter((line) => line !== err.message)
    .map((line) => `  ${line}`);
  return [head, ...issues].join('\n');
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return `rung ${pkg.version}`;
  } catch {
    return 'rung (unknown version)';
  }
}
